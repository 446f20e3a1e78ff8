"""The words shown for a listing's moderation status."""

from flask_babel import gettext as _

from app.models import ProductStatus


def product_status_label(status: str) -> str:
    return {
        ProductStatus.DRAFT: _("Draft"),
        ProductStatus.PENDING: _("Waiting for review"),
        ProductStatus.APPROVED: _("Approved"),
        ProductStatus.REJECTED: _("Rejected"),
        ProductStatus.CHANGES_REQUESTED: _("Changes requested"),
    }.get(status, status)
