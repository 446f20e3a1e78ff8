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
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import url_for

from app import create_app
from app.extensions import db
from app.media import store_image
from app.models import Category, ProductImage, Refund, ShopOrder
from tests.conftest import FreshContextClient, _settings
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
    "catalog.toggle_hidden":       ("-",                               "L 403 302 403 403 302"),
    "catalog.update_stock":        ("-",                               "L 403 302 403 403 302"),
    "main.healthz":                ("200 200 200 200 200 200",         "-"),
    "main.home":                   ("200 200 200 200 200 200",         "-"),
    "main.media":                  ("200 200 200 200 200 200",         "-"),
    "main.root":                   ("302 302 302 302 302 302",         "-"),
    "orders.cancel_order":         ("-",                               "L 302 404 404 404 403"),
    "orders.cart":                 ("200 200 200 200 200 200",         "-"),
    "orders.cart_add":             ("-",                               "400 400 400 400 400 400"),
    "orders.cart_update":          ("-",                               "400 400 400 400 400 400"),
    "orders.checkout":             ("L 302 302 302 302 302",           "L 400 400 400 400 400"),
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
    "search.results":              ("200 200 200 200 200 200",         "-"),
    "shops.manage_home":           ("L 200 302 302 200 200",           "-"),
    "shops.manage_profile":        ("L 403 200 403 403 200",           "L 403 302 403 403 302"),
    "shops.shop_list":             ("200 200 200 200 200 200",         "-"),
    "shops.shop_page":             ("200 200 200 200 200 200",         "-"),
    "static":                      ("200 200 200 200 200 200",         "-"),
}
# fmt: on

# URL arguments that do not mean the World default of the same name.
ARGS: dict[str, dict[str, str]] = {
    "catalog.category_page": {"slug": "category_slug"},
    "catalog.product_page": {"slug": "product_slug"},
    "orders.manage_order": {"number": "shop_order_number"},
    "orders.manage_order_action": {"number": "shop_order_number"},
    "orders.packing_slip": {"number": "shop_order_number"},
    "static": {"filename": "static_file"},
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
        }
        overrides = {name: getattr(self, attr) for name, attr in ARGS.get(endpoint, {}).items()}
        values = {**defaults, **overrides}
        missing = arguments - values.keys()
        assert not missing, f"{endpoint}: no value for {missing}; add it to ARGS or World"
        return {name: values[name] for name in arguments}


def settings(folder: Path) -> dict:
    return {
        **_settings(folder),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'world.sqlite'}",
        "WTF_CSRF_ENABLED": True,
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory, template_db) -> World:
    """Two cooperatives with a product each, one user per role, a buyer's order with shop A,
    a refund, a password-reset link: built once, copied for every request that may change it."""
    folder = tmp_path_factory.mktemp("authz-world")
    shutil.copy(template_db, folder / "world.sqlite")
    app = create_app({**settings(folder), "WTF_CSRF_ENABLED": False})
    world = World(folder=folder)
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
        db.session.commit()
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

        client.post("/en/reset-password", data={"email": "buyer@example.com"})
        for path in (folder / "outbox").glob("*.eml"):  # the order confirmation is there too
            mail = message_from_bytes(path.read_bytes(), policy=policy.default)
            link = re.search(r"/reset-password/(\S+)", mail.get_body(("plain",)).get_content())
            world.reset_token = link.group(1) if link else world.reset_token
        assert world.reset_token
        db.session.remove()
        db.engine.dispose()
    return world


def sign_in(client, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


def copy_of(world: World, folder: Path):
    """The app on its own copy of the world's database, search index and uploads."""
    shutil.copy(world.folder / "world.sqlite", folder / "world.sqlite")
    for name in ("search", "uploads"):
        shutil.copytree(world.folder / name, folder / name)
    app = create_app(settings(folder))
    app.test_client_class = FreshContextClient
    return app


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
    app = copy_of(world, tmp_path)
    with app.app_context():
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.url_args(rule.endpoint, set(rule.arguments)))
        got = {role: outcome(client_as(app, world, role).get(url)) for role in ROLES}
        db.engine.dispose()
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
        app = copy_of(world, folder)
        with app.app_context():
            with app.test_request_context():
                args = world.url_args(rule.endpoint, set(rule.arguments))
                url = url_for(rule.endpoint, **args)
            client = client_as(app, world, role)
            data = {**form_data(world, rule.endpoint), "csrf_token": csrf_token(client)}
            got[role] = outcome(client.post(url, data=data))
            db.engine.dispose()
    assert list(got.values()) == expected(rule.endpoint, "POST"), mismatches(
        rule.endpoint, "POST", got
    )


@pytest.mark.parametrize(
    "rule",
    [r for r in ALL_RULES if "POST" in r.methods and r.endpoint not in CSRF_EXEMPT],
    ids=lambda rule: rule.endpoint,
)
def test_post_without_csrf_token_is_refused(world, tmp_path, rule):
    app = copy_of(world, tmp_path)
    with app.app_context():
        with app.test_request_context():
            url = url_for(rule.endpoint, **world.url_args(rule.endpoint, set(rule.arguments)))
        response = client_as(app, world, "admin").post(url, data=form_data(world, rule.endpoint))
        db.engine.dispose()
    assert response.status_code == 400, f"POST {rule.endpoint} without a CSRF token"
