"""The words shown for a listing's moderation status."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import ProductStatus


def product_status_label(status: str) -> str:
    return {
        ProductStatus.DRAFT: _("Draft"),
        ProductStatus.PENDING: _("Waiting for review"),
        ProductStatus.APPROVED: _("Approved"),
        ProductStatus.REJECTED: _("Rejected"),
        ProductStatus.CHANGES_REQUESTED: _("Changes requested"),
    }.get(status, status)


# The label facts Vietnamese labelling rules require (app/catalog/facts.py keeps the rules).
FACT_LABELS = {
    "origin": _l("Origin"),
    "maker": _l("Maker or packer and address"),
    "ingredients": _l("Ingredients or composition"),
    "net_quantity": _l("Net quantity"),
    "shelf_life": _l("Shelf life"),
    "storage_use": _l("Storage and use instructions"),
    "warnings": _l("Warnings"),
    "licence_no": _l("Licence or self-declaration number"),
    "licence_issuer": _l("Licence issuer"),
    "licence_date": _l("Licence date"),
}


def fact_label(code: str) -> str:
    return str(FACT_LABELS.get(code, code))
