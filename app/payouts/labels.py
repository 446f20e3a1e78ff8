"""The words shown for ledger entry kinds, payout states and payout methods."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "sale": _l("Sale"),
    "refund": _l("Refund"),
    "payout": _l("Payout"),
    "payout_failed": _l("Payout failed, money back"),
    "reversal": _l("Transfer reversed"),
    "adjustment": _l("Adjustment"),
}
PAYOUT_LABELS = {
    "pending": _l("Waiting"),
    "paid": _l("Paid"),
    "failed": _l("Failed"),
    "bank": _l("Bank transfer"),
    "stripe": _l("Stripe"),
}


def ledger_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind) or PAYOUT_LABELS.get(kind) or kind)
