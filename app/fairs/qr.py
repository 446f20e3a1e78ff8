"""QR codes that lead to a fair's pages, for posters."""

import io

import segno


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False)
    return out.getvalue()
