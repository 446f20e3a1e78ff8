"""The words shown for a cooperative's codes: verification status, kind of seller, how and what
the marketplace verified (staff pages, admin pages, mail)."""

from flask_babel import gettext as _

from app.models import ShopStatus


def shop_status_label(status: str) -> str:
    return {
        ShopStatus.PENDING: _("Waiting for verification"),
        ShopStatus.ACTIVE: _("Active"),
        ShopStatus.SUSPENDED: _("Suspended"),
        ShopStatus.REJECTED: _("Registration refused"),
    }.get(status, status)


def seller_type_label(seller_type: str) -> str:
    from app.shops.forms import SELLER_TYPE_CHOICES

    labels = {choice.value: choice.label for choice in SELLER_TYPE_CHOICES}
    return str(labels.get(seller_type, seller_type))


def verification_method_label(method: str) -> str:
    return {
        "documents": _("registration certificate checked against the uploaded scan"),
        "business_portal": _("looked up on the National Business Registration Portal"),
        "tax_portal": _("tax code looked up with the tax authority"),
        "in_person": _("original papers seen in person"),
        "operator": _("registered by the operator from papers it holds"),
    }.get(method, method)


def verification_check_label(check: str) -> str:
    return {
        "name": _("registered name"),
        "tax_code": _("registration / tax code"),
        "address": _("address"),
        "representative": _("legal representative"),
        "phone": _("phone"),
        "seller_kind": _("kind of seller"),
    }.get(check, check)
