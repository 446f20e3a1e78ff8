"""The formats of docs/contracts.md ("Formats"), one check each, shared by forms, the CLI and imports."""

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


MAX_REASON = 1000


class ReasonError(ValueError):
    """A moderation or verification reason that is missing or too long (message for the user)."""


def one_line(text: str | None) -> str:
    """Text typed into a one-line field (a reference, a reason, a name): every run of white
    space, line breaks included, becomes one space, and the ends are trimmed."""
    return " ".join((text or "").split())


def clean_reason(reason: str | None, required: bool) -> str:
    """The reason an admin gives for a decision, shown to the people it concerns (its line
    breaks kept: it may run to paragraphs)."""
    from flask_babel import gettext as _

    from app.i18n import format_number

    reason = (reason or "").strip()
    if required and not reason:
        raise ReasonError(_("Give a reason: the people concerned will read it."))
    if len(reason) > MAX_REASON:
        raise ReasonError(
            _("The reason is too long (at most %(n)s characters).", n=format_number(MAX_REASON))
        )
    return reason


GTIN = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")


def is_gtin(value: str) -> bool:
    """A GS1 trade item number (GTIN-8, -12, -13 or -14) with a correct check digit."""
    if not GTIN.match(value):
        return False
    digits = [int(d) for d in value]
    body = digits[:-1][::-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == digits[-1]


def gtin14(value: str) -> str:
    """A GTIN in its 14-digit form (leading zeros), as GS1 Digital Link writes it."""
    return value.zfill(14)
