"""QR codes, drawn one way everywhere (VietQR on the order page, lot labels, fair posters).

`segno.make_qr`, not `segno.make`: given short data, `make` picks a Micro QR code, which
banking apps and most phone cameras cannot read. Error level M survives a scuffed label and
is what banks print.
"""

import io

import segno


def qr_code(data: str) -> segno.QRCode:
    return segno.make_qr(data, error="m")


def qr_svg_inline(data: str, *, title: str, scale: int = 4, border: int = 2) -> str:
    """SVG to put inside a page (no XML declaration); role="img" and <title> give screen
    readers an accessible name."""
    svg = qr_code(data).svg_inline(scale=scale, border=border, title=title)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def qr_file(data: str, kind: str, *, scale: int, border: int, title: str | None = None) -> bytes:
    """A QR code as an SVG or PNG file to serve or print."""
    out = io.BytesIO()
    if kind == "svg":
        qr_code(data).save(out, kind="svg", scale=scale, border=border, title=title)
    else:
        qr_code(data).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
