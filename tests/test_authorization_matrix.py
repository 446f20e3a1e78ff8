"""Who may open what: every route of app.url_map, for every role, gets the status in MATRIX.

HOW TO ADD A ROUTE (a new route without an entry fails `test_every_route_is_in_the_matrix`):
  1. Add one line to MATRIX: "blueprint.endpoint": (GET, POST), each a string of six statuses
     in ROLES order (anonymous, buyer, staff of shop A, staff of shop B, organiser, admin),
     or "-" when the route has no such method. "L" means "302 to the login page".
     GET is requested as is; POST is sent with a valid CSRF token and the form data in DATA
     (empty by default), by each role on a fresh copy of the world, so a POST that changes
     something (a delete) never affects another role's request.
  2. URL arguments come from the world by name (see World.url_args): `slug` is shop A,
     `product_id` shop A's product, `number` the buyer's order with shop A, and so on.
     If your route means something else by a name, or needs a new object, say so in ARGS
     (endpoint -> {argument: World attribute}) and add the object to build_world().
  3. The expected statuses are what a user of that role must get: a page (200), a redirect
     (302), "not yours" (403 or 404), "sign in first" (L), or a form error (400) when the
     role may act but the empty form is refused.
"""

import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from app import create_app
from app.extensions import db
from app.fairs import services as fairs
from app.media import store_image
from app.models import (
    Address,
    Category,
    Notification,
    ProductImage,
    Refund,
    ShopOrder,
    ShopOrderStatus,
)
from app.models.base import utcnow
from app.ocop import services as ocop
from app.payouts import services as payouts
from app.privacy import services as privacy
from app.reports import services as reports
from app.reviews import services as reviews
from app.shops import services as shops
from app.trace import services as trace
from tests.conftest import FreshContextClient, TemplateDatabase, _settings
from tests.factories import ProductFactory, ShopFactory, UserFactory, image_bytes, staff_of
from tests.shopping import DELIVERY

ROLES = ("anonymous", "buyer", "staff_a", "staff_b", "organiser", "admin")
L = "L"

# fmt: off
MATRIX: dict[str, tuple[str, str]] = {
    # endpoint                      GET: anon buyer stA stB org admin   POST (CSRF token sent)
    "accounts.change_password":    ("L 200 200 200 200 200",           "L 400 400 400 400 400"),
    "accounts.login":              ("200 302 302 302 302 302",         "400 302 302 302 302 302"),
    "accounts.logout":             ("-",                               "302 302 302 302 302 302"),
    "accounts.profile":            ("L 200 200 200 200 200",           "L 302 302 302 302 302"),
    "accounts.register":           ("200 302 302 302 302 302",         "400 302 302 302 302 302"),
    "accounts.reset_password":     ("200 200 200 200 200 200",         "400 400 400 400 400 400"),
    "accounts.reset_request":      ("200 200 200 200 200 200",         "400 400 400 400 400 400"),
    "admin.audit_csv":             ("L 403 403 403 403 200",           "-"),
    "admin.audit_log":             ("L 403 403 403 403 200",           "-"),
    "admin.change_role":           ("-",                               "L 403 403 403 403 302"),
    "admin.dashboard":             ("L 403 403 403 403 200",           "-"),
    "admin.moderate_review":       ("-",                               "L 403 403 403 403 302"),
    "admin.product_queue":         ("L 403 403 403 403 200",           "L 403 403 403 403 400"),
    "admin.report_queue":          ("L 403 403 403 403 200",           "-"),
    "admin.resolve_report":        ("-",                               "L 403 403 403 403 302"),
    "admin.review_list":           ("L 403 403 403 403 200",           "-"),
    "admin.set_active":            ("-",                               "L 403 403 403 403 302"),
    "admin.shop_detail":           ("L 403 403 403 403 200",           "L 403 403 403 403 400"),
    "admin.shop_queue":            ("L 403 403 403 403 200",           "-"),
    "admin.statistics":            ("L 403 403 403 403 200",           "-"),
    "admin.statistics_csv":        ("L 403 403 403 403 200",           "-"),
    "admin.user_list":             ("L 403 403 403 403 200",           "-"),
    "api.openapi":                 ("200 200 200 200 200 200",         "-"),
    "api.product":                 ("200 200 200 200 200 200",         "-"),
    "api.products":                ("200 200 200 200 200 200",         "-"),
    "api.shop":                    ("200 200 200 200 200 200",         "-"),
    "api.shop_list":               ("200 200 200 200 200 200",         "-"),
    "api.suggest":                 ("200 200 200 200 200 200",         "-"),
    "catalog.category_page":       ("200 200 200 200 200 200",         "-"),
    "catalog.delete_image":        ("-",                               "L 403 302 403 403 302"),
    "catalog.delete_product":      ("-",                               "L 403 302 403 403 302"),
    "catalog.edit_product":        ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "catalog.manage_products":     ("L 403 200 403 403 200",           "-"),
    "catalog.new_product":         ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "catalog.product_page":        ("200 200 200 200 200 200",         "-"),
    "catalog.category_facts":      ("200 200 200 200 200 200",         "-"),
    "catalog.toggle_hidden":       ("-",                               "L 403 302 403 403 302"),
    "catalog.update_stock":        ("-",                               "L 403 302 403 403 302"),
    "fairs.exhibitor_page":        ("200 200 200 200 200 200",         "-"),
    "fairs.fair_list":             ("200 200 200 200 200 200",         "-"),
    "fairs.fair_page":             ("200 200 200 200 200 200",         "-"),
    "fairs.organise_delete_event": ("-",                               "L 403 403 403 302 302"),
    "fairs.organise_delete_image": ("-",                               "L 403 403 403 302 302"),
    "fairs.organise_delete_section":("-",                               "L 403 403 403 302 302"),
    "fairs.organise_edit":         ("L 403 403 403 200 200",           "L 403 403 403 400 400"),
    "fairs.organise_exhibitor":    ("L 403 403 403 200 200",           "L 403 403 403 302 302"),
    "fairs.organise_exhibitors":   ("L 403 403 403 200 200",           "L 403 403 403 400 400"),
    "fairs.organise_list":         ("L 403 403 403 200 200",           "-"),
    "fairs.organise_move_section": ("-",                               "L 403 403 403 302 302"),
    "fairs.organise_new":          ("L 403 403 403 200 200",           "L 403 403 403 400 400"),
    "fairs.organise_poster":       ("L 403 403 403 200 200",           "-"),
    "fairs.organise_qr":           ("L 403 403 403 200 200",           "-"),
    "fairs.organise_review":       ("-",                               "L 403 403 403 302 302"),
    "fairs.organise_sales":        ("L 403 403 403 200 200",           "-"),
    "fairs.organise_schedule":     ("L 403 403 403 200 200",           "L 403 403 403 400 400"),
    "fairs.organise_section":      ("L 403 403 403 200 200",           "L 403 403 403 302 302"),
    "fairs.organise_sections":     ("L 403 403 403 200 200",           "L 403 403 403 400 400"),
    "fairs.organise_status":       ("-",                               "L 403 403 403 302 302"),
    "fairs.schedule_ics":          ("200 200 200 200 200 200",         "-"),
    "fairs.shop_apply":            ("-",                               "L 403 302 403 403 302"),
    "fairs.shop_fairs":            ("L 403 200 403 403 200",           "-"),
    "fairs.shop_respond":          ("-",                               "L 403 302 403 403 302"),
    "main.favicon":                ("200 200 200 200 200 200",         "-"),
    "main.healthz":                ("200 200 200 200 200 200",         "-"),
    "main.home":                   ("200 200 200 200 200 200",         "-"),
    "main.media":                  ("200 200 200 200 200 200",         "-"),
    "main.root":                   ("302 302 302 302 302 302",         "-"),
    "notifications.mark_all_read": ("-",                               "L 302 302 302 302 302"),
    "notifications.notification_list":("L 200 200 200 200 200",         "-"),
    "notifications.open_notification":("-",                              "L 302 404 404 404 404"),
    "notifications.preferences":   ("-",                               "L 302 302 302 302 302"),
    "ocop.admin_decide":           ("-",                               "L 403 403 403 403 302"),
    "ocop.admin_queue":            ("L 403 403 403 403 200",           "-"),
    "ocop.admin_review":           ("L 403 403 403 403 200",           "-"),
    "ocop.certified":              ("200 200 200 200 200 200",         "-"),
    "ocop.edit_certificate":       ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "ocop.manage_certificates":    ("L 403 200 403 403 200",           "-"),
    "ocop.new_certificate":        ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "ocop.scan":                   ("L 403 200 403 403 200",           "-"),
    "ocop.verify":                 ("200 200 200 200 200 200",         "-"),
    "ocop_feeds.badge":            ("200 200 200 200 200 200",         "-"),
    "ocop_feeds.feed_atom":        ("200 200 200 200 200 200",         "-"),
    "ocop_feeds.feed_json":        ("200 200 200 200 200 200",         "-"),
    "orders.address_action":       ("-",                               "L 302 404 404 404 404"),
    "orders.address_book":         ("L 200 200 200 200 200",           "L 400 400 400 400 400"),
    "orders.cancel_order":         ("-",                               "L 302 404 404 404 403"),
    "orders.card_intent":          ("-",                               "L 409 404 404 404 409"),
    "orders.cart":                 ("200 200 200 200 200 200",         "-"),
    "orders.cart_add":             ("-",                               "400 400 400 400 400 400"),
    "orders.cart_update":          ("-",                               "400 400 400 400 400 400"),
    "orders.checkout":             ("L 302 302 302 302 302",           "L 400 400 400 400 400"),
    "orders.edit_address":         ("L 200 404 404 404 404",           "L 400 404 404 404 404"),
    "orders.manage_order":         ("L 403 200 403 403 200",           "-"),
    "orders.manage_order_action":  ("-",                               "L 403 302 403 403 302"),
    "orders.manage_orders":        ("L 403 200 403 403 200",           "-"),
    "orders.manage_shipping":      ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "orders.order_history":        ("L 200 200 200 200 200",           "-"),
    "orders.order_page":           ("L 200 404 404 404 200",           "-"),
    "orders.packing_slip":         ("L 403 200 403 403 200",           "-"),
    "orders.retry_refund":         ("-",                               "L 403 302 403 403 302"),
    "payments.confirm_transfer":   ("-",                               "L 403 302 403 403 302"),
    "payments.pending_transfers":  ("L 403 403 403 403 200",           "-"),
    "payments.stripe_webhook":     ("-",                               "400 400 400 400 400 400"),
    "payouts.admin_adjust":        ("-",                               "L 403 403 403 403 400"),
    "payouts.admin_batch":         ("L 403 403 403 403 200",           "-"),
    "payouts.admin_payouts":       ("L 403 403 403 403 200",           "-"),
    "payouts.admin_rates":         ("-",                               "L 403 403 403 403 400"),
    "payouts.admin_run":           ("-",                               "L 403 403 403 403 302"),
    "payouts.admin_settle":        ("-",                               "L 403 403 403 403 400"),
    "payouts.manage_payouts":      ("L 403 200 403 403 200",           "-"),
    "payouts.payout_settings":     ("L 403 200 403 403 200",           "L 403 302 403 403 302"),
    "payouts.statement":           ("L 403 200 403 403 200",           "-"),
    "payouts.statement_csv":       ("L 403 200 403 403 200",           "-"),
    "payouts.statement_print":     ("L 403 200 403 403 200",           "-"),
    "payouts.stripe_onboarding":   ("-",                               "L 403 302 403 403 302"),
    "payouts.stripe_status":       ("-",                               "L 403 302 403 403 302"),
    "reports.new_report":          ("200 200 200 200 200 200",         "400 400 400 400 400 400"),
    "reviews.manage_reviews":      ("L 403 200 403 403 200",           "-"),
    "reviews.reply":               ("-",                               "L 403 302 403 403 302"),
    "reviews.write_review":        ("L 200 302 302 302 302",           "L 400 302 302 302 302"),
    "search.results":              ("200 200 200 200 200 200",         "-"),
    "shops.manage_home":           ("L 200 302 302 200 200",           "-"),
    "shops.manage_profile":        ("L 403 200 403 403 200",           "L 403 302 403 403 302"),
    "shops.register_shop":         ("L 200 200 200 403 403",           "L 400 400 400 403 403"),
    "shops.shop_document":         ("L 403 200 403 403 200",           "-"),
    "shops.shop_list":             ("200 200 200 200 200 200",         "-"),
    "shops.shop_page":             ("200 200 200 200 200 200",         "-"),
    "static":                      ("200 200 200 200 200 200",         "-"),
    "trace.edit_lot":              ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "trace.lot_labels":            ("L 403 200 403 403 200",           "-"),
    "trace.lot_page":              ("200 200 200 200 200 200",         "-"),
    "trace.manage_lots":           ("L 403 200 403 403 200",           "-"),
    "trace.new_lot":               ("L 403 200 403 403 200",           "L 403 400 403 403 400"),
    "trace_gs1.digital_link":      ("307 307 307 307 307 307",         "-"),
    "trace_gs1.qr":                ("200 200 200 200 200 200",         "-"),
    "admin.verify_shop":           ("-",                               "L 403 403 403 403 400"),
    "policies.accept_rules":       ("-",                               "L 403 302 403 403 302"),
    "policies.admin_policies":     ("L 403 403 403 403 200",           "-"),
    "policies.new_policy_version": ("L 403 403 403 403 200",           "L 403 403 403 403 400"),
    "policies.policy_page":        ("200 200 200 200 200 200",         "-"),
    "privacy.admin_incidents":     ("L 403 403 403 403 200",           "L 403 403 403 403 400"),
    "privacy.admin_requests":      ("L 403 403 403 403 200",           "-"),
    "privacy.change_consent":      ("-",                               "L 400 400 400 400 400"),
    "privacy.complete_request":    ("-",                               "L 403 403 403 403 400"),
    "privacy.delete_account":      ("-",                               "L 400 400 400 400 400"),
    "privacy.export":              ("-",                               "L 200 200 200 200 200"),
    "privacy.incident_notified":   ("-",                               "L 403 403 403 403 302"),
    "privacy.new_request":         ("-",                               "L 400 400 400 400 400"),
    "tax.admin_tax":               ("L 403 403 403 403 200",           "-"),
    "tax.declaration_csv":         ("L 403 403 403 403 400",           "-"),
    "tax.sellers_csv":             ("L 403 403 403 403 400",           "-"),
}
# fmt: on

# URL arguments that do not mean the World default of the same name.
FAIR = {"slug": "fair_slug"}  # the fair pages name the fair, not a shop, `slug`
ARGS: dict[str, dict[str, str]] = {
    "catalog.category_page": {"slug": "category_slug"},
    "catalog.product_page": {"slug": "product_slug"},
    "fairs.organise_delete_image": {"slug": "fair_slug", "image_id": "fair_image_id"},
    "fairs.exhibitor_page": FAIR,
    "fairs.fair_page": FAIR,
    "fairs.organise_delete_event": FAIR,
    "fairs.organise_delete_section": FAIR,
    "fairs.organise_edit": FAIR,
    "fairs.organise_exhibitor": FAIR,
    "fairs.organise_exhibitors": FAIR,
    "fairs.organise_move_section": FAIR,
    "fairs.organise_poster": FAIR,
    "fairs.organise_qr": FAIR,
    "fairs.organise_review": FAIR,
    "fairs.organise_sales": FAIR,
    "fairs.organise_schedule": FAIR,
    "fairs.organise_section": FAIR,
    "fairs.organise_sections": FAIR,
    "fairs.organise_status": FAIR,
    "fairs.schedule_ics": FAIR,
    "orders.address_action": {"action": "address_action"},
    "orders.manage_order": {"number": "shop_order_number"},
    "reviews.write_review": {"slug": "product_slug"},
    "orders.manage_order_action": {"number": "shop_order_number"},
    "orders.packing_slip": {"number": "shop_order_number"},
    "static": {"filename": "static_file"},
    "policies.policy_page": {"kind": "policy_kind"},
    "policies.new_policy_version": {"kind": "policy_kind"},
}
# Form data sent with a POST besides the CSRF token, when an empty form would prove nothing;
# "{name}" is replaced by that World attribute.
DATA: dict[str, dict[str, str]] = {
    "orders.cancel_order": {"shop_order_id": "{shop_order_id}"},
    "payments.confirm_transfer": {"reference": "FT26334123456"},
}
# POSTs that need no CSRF token: Stripe signs its webhook instead.
CSRF_EXEMPT = {"payments.stripe_webhook"}


@dataclass
class World:
    folder: Path
    database: TemplateDatabase
    users: dict[str, int] = field(default_factory=dict)
    shop_slug: str = ""
    product_id: int = 0
    product_slug: str = ""
    image_id: int = 0
    media_file: str = ""
    category_slug: str = ""
    order_number: str = ""
    shop_order_number: str = ""
    shop_order_id: int = 0
    refund_id: int = 0
    reset_token: str = ""
    static_file: str = "css/site.css"
    shop_id: int = 0
    fair_slug: str = ""
    section_id: int = 0
    fair_image_id: int = 0
    event_id: int = 0
    exhibitor_id: int = 0
    certificate_id: int = 0
    certificate_no: str = ""
    lot_id: int = 0
    lot_code: str = ""
    gtin: str = ""
    review_id: int = 0
    report_id: int = 0
    payout_id: int = 0
    run_id: int = 0
    document_id: int = 0
    month: str = ""
    buyer_id: int = 0
    notification_id: int = 0  # the buyer's "order placed"
    address_id: int = 0  # the buyer's saved address
    address_action: str = "default"
    policy_kind: str = "privacy"
    data_request_id: int = 0
    incident_id: int = 0

    def url_args(self, endpoint: str, arguments: set[str]) -> dict:
        defaults = {
            "lang_code": "en",
            "slug": self.shop_slug,
            "product_id": self.product_id,
            "image_id": self.image_id,
            "number": self.order_number,
            "refund_id": self.refund_id,
            "token": self.reset_token,
            "filename": self.media_file,
            "action": "pack",
            "shop_slug": self.shop_slug,
            "fair_slug": self.fair_slug,
            "shop_id": self.shop_id,
            "section_id": self.section_id,
            "event_id": self.event_id,
            "exhibitor_id": self.exhibitor_id,
            "certificate_id": self.certificate_id,
            "certificate_no": self.certificate_no,
            "decision": "verify",
            "lot_id": self.lot_id,
            "code": self.lot_code,
            "gtin": self.gtin,
            "kind": "svg",
            "review_id": self.review_id,
            "report_id": self.report_id,
            "user_id": self.buyer_id,
            "target": "product",
            "target_id": self.product_id,
            "payout_id": self.payout_id,
            "outcome": "paid",
            "run_id": self.run_id,
            "document_id": self.document_id,
            "month": self.month,
            "notification_id": self.notification_id,
            "address_id": self.address_id,
            "request_id": self.data_request_id,
            "incident_id": self.incident_id,
        }
        overrides = {name: getattr(self, attr) for name, attr in ARGS.get(endpoint, {}).items()}
        values = {**defaults, **overrides}
        missing = arguments - values.keys()
        assert not missing, f"{endpoint}: no value for {missing}; add it to ARGS or World"
        return {name: values[name] for name in arguments}


def settings(folder: Path, database_url: str) -> dict:
    return {**_settings(folder), "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": True}


@pytest.fixture(scope="module")
def world(tmp_path_factory, template_db) -> World:
    """Two cooperatives with a product each, one user per role, a buyer's order with shop A,
    a refund, a password-reset link: built once, copied for every request that may change it."""
    folder = tmp_path_factory.mktemp("authz-world")
    database = template_db.derive(folder, "world")
    app = create_app({**settings(folder, database.url), "WTF_CSRF_ENABLED": False})
    world = World(folder=folder, database=database)
    with app.app_context():
        category = db.session.scalar(sa.select(Category).order_by(Category.id))
        shop_a, shop_b = ShopFactory(), ShopFactory()
        product = ProductFactory(shop=shop_a, category=category, stock=50)
        ProductFactory(shop=shop_b)
        stored = store_image(image_bytes(size=(64, 64)))
        image = ProductImage(product=product, key=stored.key, width=64, height=64)
        db.session.add(image)
        buyer = UserFactory(email="buyer@example.com")
        users = {
            "buyer": buyer,
            "staff_a": staff_of(shop_a, email="staff-a@example.com"),
            "staff_b": staff_of(shop_b, email="staff-b@example.com"),
            "organiser": UserFactory(email="organiser@example.com", role="organiser"),
            "admin": UserFactory(email="admin@example.com", role="admin"),
        }
        address = Address(
            user_id=buyer.id,
            name="Nguyễn Thị Lan",
            phone="0912345678",
            address="12 Lê Lợi",
            province_id=shop_a.province_id,
            is_default=True,
        )
        db.session.add(address)
        db.session.commit()
        world.address_id = address.id
        world.users = {role: user.id for role, user in users.items()}
        world.shop_slug, world.product_id, world.product_slug = (
            shop_a.slug,
            product.id,
            product.slug,
        )
        world.image_id, world.media_file = image.id, f"{stored.key}-sm.webp"
        world.category_slug = category.slug

        client = app.test_client()
        sign_in(client, world.users["buyer"])
        client.post("/en/cart/add", data={"product_id": product.id, "qty": 2})
        placed = client.post("/en/checkout", data={**DELIVERY, "payment_method": "cod"})
        world.order_number = placed.headers["Location"].rsplit("/", 1)[1]
        shop_order = db.session.scalar(sa.select(ShopOrder))
        world.shop_order_number, world.shop_order_id = shop_order.number, shop_order.id
        refund = Refund(order_id=shop_order.order_id, shop_order_id=shop_order.id, amount_vnd=1)
        db.session.add(refund)
        db.session.commit()
        world.refund_id = refund.id
        world.notification_id = db.session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == buyer.id, Notification.kind == "order_placed"
            )
        )

        client.post("/en/reset-password", data={"email": "buyer@example.com"})
        for path in (folder / "outbox").glob("*.eml"):  # the order confirmation is there too
            mail = message_from_bytes(path.read_bytes(), policy=policy.default)
            link = re.search(r"/reset-password/(\S+)", mail.get_body(("plain",)).get_content())
            world.reset_token = link.group(1) if link else world.reset_token
        assert world.reset_token

        with app.test_request_context():
            build_merchant_world(world, client, shop_a, shop_b, product, users)
        db.session.remove()
        db.engine.dispose()
    return world


def build_merchant_world(world: World, client, shop_a, shop_b, product, users) -> None:
    """What the fair, OCOP, traceability, review, report and payout routes need: a fair the
    organiser runs with shop A exhibiting, a verified OCOP certificate (with its scan) of shop
    A's product, a lot of it, the buyer's review after a delivered order, a report, a payout
    to shop A, and shop A's registration document."""
    staff_a, organiser, admin, buyer = (
        users["staff_a"],
        users["organiser"],
        users["admin"],
        users["buyer"],
    )
    world.shop_id, world.buyer_id = shop_a.id, buyer.id

    # The fair: published, one gallery section with a picture, an event, shop A accepted.
    today = utcnow().date()
    fair = fairs.save_fair(
        organiser,
        None,
        {
            "slug": "hoi-cho-ocop",
            "name_vi": "Hội chợ OCOP",
            "name_en": "OCOP fair",
            "description_vi": "",
            "description_en": "",
            "theme_vi": "",
            "theme_en": "",
            "starts_on": today,
            "ends_on": today + timedelta(days=30),
            "province_id": shop_a.province_id,
            "address": "Buôn Ma Thuột",
            "map_url": "",
        },
    )
    section = fairs.add_section(organiser, fair, "gallery")
    fairs.update_section(
        organiser,
        section,
        {"title_vi": "Ảnh", "title_en": "Pictures"},
        gallery=[(image_bytes(size=(64, 64)), "Gian hàng", "Booth")],
    )
    event = fairs.add_event(
        organiser,
        fair,
        {
            "starts_at": datetime.combine(today, datetime.min.time()).replace(hour=9),
            "ends_at": None,
            "title_vi": "Khai mạc",
            "title_en": "Opening",
            "place": "Sân khấu",
            "speaker": "",
        },
    )
    exhibitor = fairs.invite_shop(organiser, fair, shop_a)
    fairs.respond_to_invitation(staff_a, exhibitor, True)
    fairs.set_status(organiser, fair, "published")
    world.fair_slug, world.section_id, world.event_id = fair.slug, section.id, event.id
    world.fair_image_id, world.exhibitor_id = section.images[0].id, exhibitor.id

    # OCOP: a verified certificate of shop A's product, with its private scan.
    certificate = ocop.record_verified_certificate(
        product,
        ocop.CertificateInput(
            product_id=product.id,
            certificate_no="OCOP-DL-2025-001",
            stars=4,
            issuer="UBND tỉnh Đắk Lắk",
            issued_on=today - timedelta(days=100),
            expires_on=today + timedelta(days=900),
            product_group="food",
        ),
        verified_by=admin,
    )
    certificate.scan_key = ocop.store_scan(image_bytes(size=(64, 64)))
    db.session.commit()
    world.certificate_id, world.certificate_no = certificate.id, certificate.certificate_no

    # Traceability: a lot of shop A's product, which has a GTIN for the GS1 Digital Link.
    product.gtin = "04006381333931"
    lot = trace.add_lot(
        product,
        trace.LotInput(
            product_id=product.id,
            code="LOT-2025-01",
            produced_on=today - timedelta(days=10),
            province_id=shop_a.province_id,
            commune="",
            area_code="",
            inputs_vi="",
            inputs_en="",
            quantity="100 gói",
        ),
    )
    db.session.commit()
    world.lot_id, world.lot_code, world.gtin = lot.id, lot.code, product.gtin

    # A second order of the buyer, delivered: the buyer may review the product.
    client.post("/en/cart/add", data={"product_id": product.id, "qty": 1})
    client.post("/en/checkout", data={**DELIVERY, "payment_method": "cod"})
    delivered = db.session.scalar(sa.select(ShopOrder).order_by(ShopOrder.id.desc()))
    delivered.status = ShopOrderStatus.DELIVERED
    db.session.commit()
    review = reviews.save_review(buyer, product, 5, "Cà phê ngon.", "vi")
    world.review_id = review.id
    report = reports.file_report(buyer, "127.0.0.1", "product", product.id, "spam", "")
    world.report_id = report.id

    # A payout to shop A (bank transfer), from an operator's adjustment.
    payouts.update_bank_details(staff_a, shop_a, "970436", "0123456789", "HTX A")
    payouts.adjust(admin, shop_a, 5_000_000, "Số dư đầu kỳ")
    run = payouts.run_payouts(actor=admin)
    assert run.payouts, run
    world.run_id, world.payout_id = run.run_id, run.payouts[0].payout_id
    world.month = f"{today.year}-{today.month:02d}"

    # Shop A's registration paper.
    (document,) = shops.add_documents(staff_a, shop_a, [("giay-phep.pdf", b"%PDF-1.4\n%%EOF\n")])
    db.session.commit()
    world.document_id = document.id

    # A person's open data request and a personal-data incident in the admin register.
    data_request = privacy.log_request(buyer, "other", "Sửa tên")
    incident = privacy.record_incident(
        admin, {"title": "Lộ dữ liệu", "detected_at": utcnow() - timedelta(hours=1)}
    )
    db.session.commit()
    world.data_request_id, world.incident_id = data_request.id, incident.id


def sign_in(client, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


@contextmanager
def copy_of(world: World, folder: Path):
    """The app on its own copy of the world's database, search index and uploads."""
    url = world.database.clone(folder, "copy")
    for name in ("search", "uploads", "documents"):
        shutil.copytree(world.folder / name, folder / name)
    app = create_app(settings(folder, url))
    app.test_client_class = FreshContextClient
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        world.database.drop(url)


def client_as(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world.users[role])
    return client


def csrf_token(client) -> str:
    html = client.get("/en/cart").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def form_data(world: World, endpoint: str) -> dict[str, str]:
    return {k: v.format(**vars(world)) for k, v in DATA.get(endpoint, {}).items()}


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and re.search(r"/[a-z]{2}/login\b", location):
        return L
    return str(response.status_code)


def routes():
    with tempfile.TemporaryDirectory() as folder:
        rules = create_app(_settings(Path(folder))).url_map.iter_rules()
        return sorted(rules, key=lambda rule: rule.endpoint)


ALL_RULES = routes()


def test_every_route_is_in_the_matrix():
    missing = sorted({rule.endpoint for rule in ALL_RULES} - MATRIX.keys())
    assert not missing, (
        "Routes without an entry in tests/test_authorization_matrix.py MATRIX (add one line "
        f"each, see the comment at the top): {', '.join(missing)}"
    )
    stale = sorted(MATRIX.keys() - {rule.endpoint for rule in ALL_RULES})
    assert not stale, f"MATRIX names endpoints that no longer exist: {', '.join(stale)}"
    for rule in ALL_RULES:
        get, post = MATRIX[rule.endpoint]
        assert (get != "-") == ("GET" in rule.methods), f"{rule.endpoint}: GET column"
        assert (post != "-") == ("POST" in rule.methods), f"{rule.endpoint}: POST column"


def expected(endpoint: str, method: str) -> list[str]:
    row = MATRIX[endpoint][0 if method == "GET" else 1]
    statuses = row.split()
    assert len(statuses) == len(ROLES), f"{endpoint} {method}: six statuses, one per role"
    return statuses


def mismatches(endpoint: str, method: str, got: dict[str, str]) -> str:
    want = dict(zip(ROLES, expected(endpoint, method), strict=True))
    lines = [f"{role}: expected {want[role]}, got {got[role]}" for role in ROLES]
    return f"{method} {endpoint}\n" + "\n".join(lines)


@pytest.mark.parametrize(
    "rule",
    [r for r in ALL_RULES if "GET" in r.methods and r.endpoint in MATRIX],
    ids=lambda rule: rule.endpoint,
)
def test_get_for_every_role(world, tmp_path, rule):
    with copy_of(world, tmp_path) as app, app.app_context():
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.url_args(rule.endpoint, set(rule.arguments)))
        got = {role: outcome(client_as(app, world, role).get(url)) for role in ROLES}
    assert list(got.values()) == expected(rule.endpoint, "GET"), mismatches(
        rule.endpoint, "GET", got
    )


@pytest.mark.parametrize(
    "rule",
    [r for r in ALL_RULES if "POST" in r.methods and r.endpoint in MATRIX],
    ids=lambda rule: rule.endpoint,
)
def test_post_for_every_role(world, tmp_path, rule):
    got = {}
    for role in ROLES:
        folder = tmp_path / role
        folder.mkdir()
        with copy_of(world, folder) as app, app.app_context():
            with app.test_request_context():
                args = world.url_args(rule.endpoint, set(rule.arguments))
                url = url_for(rule.endpoint, **args)
            client = client_as(app, world, role)
            data = {**form_data(world, rule.endpoint), "csrf_token": csrf_token(client)}
            got[role] = outcome(client.post(url, data=data))
    assert list(got.values()) == expected(rule.endpoint, "POST"), mismatches(
        rule.endpoint, "POST", got
    )


@pytest.mark.parametrize(
    "rule",
    [r for r in ALL_RULES if "POST" in r.methods and r.endpoint not in CSRF_EXEMPT],
    ids=lambda rule: rule.endpoint,
)
def test_post_without_csrf_token_is_refused(world, tmp_path, rule):
    with copy_of(world, tmp_path) as app, app.app_context():
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.url_args(rule.endpoint, set(rule.arguments)))
        response = client_as(app, world, "admin").post(url, data=form_data(world, rule.endpoint))
    assert response.status_code == 400, f"POST {rule.endpoint} without a CSRF token"
