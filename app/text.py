"""Vietnamese text: normalising, folding accents away, and the one slug function."""

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Remove accents the way buyers type without them: "Đắk Lắk" -> "Dak Lak".

    unicodedata leaves đ/Đ alone (they are letters, not marks), so they are mapped first.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, max_length: int = 80) -> str:
    slug = _NON_SLUG.sub("-", fold(nfc(text)).lower()).strip("-")
    return slug[:max_length].rstrip("-")


def single_spaced(text: str | None) -> str:
    """Text as typed into a one-line field: runs of spaces, tabs and newlines become one space."""
    return " ".join((text or "").split())
