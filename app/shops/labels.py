"""The words shown for a cooperative's verification status (staff pages, admin pages, mail)."""

from flask_babel import gettext as _

from app.models import ShopStatus


def shop_status_label(status: str) -> str:
    return {
        ShopStatus.PENDING: _("Waiting for verification"),
        ShopStatus.ACTIVE: _("Active"),
        ShopStatus.SUSPENDED: _("Suspended"),
        ShopStatus.REJECTED: _("Registration refused"),
    }.get(status, status)
