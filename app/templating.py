"""What every template may call, registered once, with the module that owns each.

Templates of one blueprint show codes of another (an admin page lists shop statuses, a staff
page shows payment methods), and the page frame shows the cart and the staff's shops on every
page. Those are the only names templates get beyond their view's variables: a page that needs
a query of its own (a product's certificate or lots, a shop's certificates) is given the
result by its view, so reading the view tells what the template needs.
"""

from flask import Flask, current_app
from flask_login import current_user

from app.catalog.labels import fact_label, product_status_label
from app.fairs.services import pending_invitations
from app.models import PolicyKind, Role
from app.notifications import services as notifications
from app.ocop.labels import ocop_group_label, ocop_status_label
from app.orders import cart as carts
from app.orders.forms import payment_label
from app.orders.states import status_label as order_status_label
from app.payouts.labels import ledger_label
from app.policies import services as policies
from app.policies.forms import AcceptRulesForm
from app.privacy import services as privacy
from app.privacy.forms import ConsentForm, DataRequestForm, DeleteAccountForm, ExportForm
from app.privacy.labels import data_request_label
from app.shops.labels import (
    seller_type_label,
    shop_status_label,
    verification_check_label,
    verification_method_label,
)
from app.unit_of_work import rollback


def _header_count(count) -> int:
    """A figure of the page header, which never breaks a page: 0 when it cannot be read."""
    try:
        return count(current_user)
    except Exception:  # e.g. an error page rendered after the database went away
        rollback()  # the rest of the page may still query
        return 0


def cart_count() -> int:
    """Units in the visitor's cart, for the header."""
    return _header_count(carts.item_count)


def unread_notifications() -> int:
    """The header's badge; strangers cost no query (and their pages stay cacheable)."""
    if not current_user.is_authenticated:
        return 0
    return _header_count(notifications.unread_count)


def operator() -> dict:
    """Who runs the floor, for the footer of every page (the law asks for it)."""
    config = current_app.config
    return {
        "operator": {
            "legal_name": config["OPERATOR_LEGAL_NAME"],
            "address": config["OPERATOR_ADDRESS"],
            "tax_code": config["OPERATOR_TAX_CODE"],
            "phone": config["OPERATOR_PHONE"],
            "email": config["OPERATOR_EMAIL"],
            "registration_no": config["FLOOR_REGISTRATION_NO"],
            "registration_url": config["FLOOR_REGISTRATION_URL"],
        }
    }


def accept_rules_form() -> AcceptRulesForm:
    return AcceptRulesForm(formdata=None)


def privacy_forms() -> dict:
    """The personal-data forms the account page includes (privacy/_account.html)."""
    return {
        "export": ExportForm(formdata=None),
        "delete": DeleteAccountForm(formdata=None),
        "consent": ConsentForm(formdata=None),
        "request": DataRequestForm(formdata=None),
    }


def staff_shops() -> dict:
    """The shops the signed-in staff member or admin manages, for the header menu."""
    if current_user.is_authenticated and current_user.manages_shops:
        return {"my_shops": current_user.shops}
    return {"my_shops": []}


# Labels of domain codes, each from the blueprint that owns the codes.
LABELS = (
    product_status_label,
    shop_status_label,
    seller_type_label,
    verification_method_label,
    data_request_label,
    fact_label,
    ocop_status_label,
    ocop_group_label,
    payment_label,
    ledger_label,
)


def init_app(app: Flask) -> None:
    names = app.jinja_env.globals
    names.update((label.__name__, label) for label in LABELS)
    names["order_status_label"] = order_status_label
    app.jinja_env.filters["verification_check_label"] = verification_check_label
    app.jinja_env.filters["policy_text"] = policies.render_policy_text
    # the page frame: the header, the footer and the staff navigation (shops/_manage_nav.html)
    names["cart_count"] = cart_count
    names["unread_notifications"] = unread_notifications
    names["policy_title"] = policies.policy_title
    names["policy_kinds"] = lambda: PolicyKind.ALL
    names["pending_fair_invitations"] = pending_invitations
    names["rules_to_accept"] = policies.rules_to_accept
    names["accept_rules_form"] = accept_rules_form
    app.context_processor(operator)
    # the account page's personal-data section (privacy/_account.html)
    names["privacy_forms"] = privacy_forms
    names["wants_marketing"] = privacy.wants_marketing
    names["Role"] = Role  # compare roles by name: current_user.role == Role.VIEWER
    app.context_processor(staff_shops)
