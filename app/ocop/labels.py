"""The words shown for a certificate's status and product group."""

from flask_babel import gettext as _

from app.models import CertificateStatus
from app.ocop.forms import PRODUCT_GROUP_LABELS


def ocop_status_label(status: str) -> str:
    return {
        CertificateStatus.PENDING: _("Waiting for verification"),
        CertificateStatus.VERIFIED: _("Verified"),
        CertificateStatus.REJECTED: _("Rejected"),
        CertificateStatus.REVOKED: _("Revoked"),
    }.get(status, status)


def ocop_group_label(group: str | None) -> str:
    return str(PRODUCT_GROUP_LABELS.get(group, "")) if group else ""
