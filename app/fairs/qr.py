"""QR codes that lead to a fair's pages, for posters."""

from app.qr import qr_file


def qr_svg(url: str) -> bytes:
    return qr_file(url, "svg", scale=10, border=2)
