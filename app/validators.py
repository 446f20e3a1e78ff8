"""Formats from DOMAIN.md, one check each, shared by forms, the CLI and imports."""

import re

TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
PHONE = re.compile(r"^(\+84|0)\d{9}$")


def is_tax_code(value: str) -> bool:
    """10 digits for a cooperative, 10 + '-' + 3 for a branch."""
    return bool(TAX_CODE.match(value))


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value)


def is_phone(value: str) -> bool:
    return bool(PHONE.match(normalise_phone(value)))
