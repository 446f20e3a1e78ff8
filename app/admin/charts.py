"""Bar charts drawn on the server as inline SVG: readable without JavaScript, and the
figures are in the table next to them for screen readers."""

from markupsafe import Markup, escape

ROW = 26
LABEL_WIDTH = 190
BAR_WIDTH = 360
VALUE_WIDTH = 110


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int]], value_text=str) -> Markup:
    """Horizontal bars, one per (label, value); value_text formats the number shown."""
    height = max(len(items), 1) * ROW + 10
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    top = max((value for _, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * ROW
        bar = round(BAR_WIDTH * value / top) if value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" class="chart-label">'
            f"{escape(label[:28])}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar}" height="{ROW - 8}" '
            f'class="chart-bar"><title>{escape(label)}: {escape(value_text(value))}</title></rect>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}" class="chart-value">'
            f"{escape(value_text(value))}</text>"
        )
    if not items:
        parts.append(f'<text x="10" y="22" class="chart-label">{escape("—")}</text>')
    parts.append("</svg>")
    caption = f'<figcaption id="{escape(chart_id)}-caption">{escape(title)}</figcaption>'
    return Markup(f'<figure class="chart-figure">{caption}{"".join(parts)}</figure>')
