"""The organiser's rich text: simple formatting and links are kept, scripts, styles and
event handlers dropped.
"""

import nh3

RICH_TEXT_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4",
    "blockquote", "a", "span",
}  # fmt: skip


RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}, "span": {"lang"}}


def sanitise_html(html: str) -> str:
    """Keep simple formatting and links; scripts, styles and event handlers are dropped."""
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    ).strip()
