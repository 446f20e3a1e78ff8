"""What every template may call, registered once, with the module that owns each.

Templates of one blueprint show codes of another (an admin page lists shop statuses, a staff
page shows payment methods), and the page frame shows the cart and the staff's shops on every
page. Those are the only names templates get beyond their view's variables: a page that needs
a query of its own (a product's certificate or lots, a shop's certificates) is given the
result by its view, so reading the view tells what the template needs.
"""

from flask import Flask
from flask_login import current_user

from app.catalog.labels import product_status_label
from app.extensions import db
from app.fairs.services import pending_invitations
from app.models import Role
from app.ocop.labels import ocop_group_label, ocop_status_label
from app.orders import cart as carts
from app.orders.forms import payment_label
from app.orders.states import status_label as order_status_label
from app.payouts.labels import ledger_label
from app.shops.labels import shop_status_label


def cart_count() -> int:
    """Units in the visitor's cart, for the header (never breaks a page)."""
    try:
        return carts.item_count(current_user)
    except Exception:  # e.g. an error page rendered after the database went away
        db.session.rollback()
        return 0


def staff_shops() -> dict:
    """The shops the signed-in staff member or admin manages, for the header menu."""
    if current_user.is_authenticated and current_user.manages_shops:
        return {"my_shops": current_user.shops}
    return {"my_shops": []}


# Labels of domain codes, each from the blueprint that owns the codes.
LABELS = (
    product_status_label,
    shop_status_label,
    ocop_status_label,
    ocop_group_label,
    payment_label,
    ledger_label,
)


def init_app(app: Flask) -> None:
    names = app.jinja_env.globals
    names.update((label.__name__, label) for label in LABELS)
    names["order_status_label"] = order_status_label
    # the page frame: the header and the staff navigation (shops/_manage_nav.html)
    names["cart_count"] = cart_count
    names["pending_fair_invitations"] = pending_invitations
    names["Role"] = Role  # compare roles by name: current_user.role == Role.VIEWER
    app.context_processor(staff_shops)
