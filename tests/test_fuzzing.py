"""Property-based fuzzing of the public API and every public form.

Whatever a stranger sends: never a 5xx; API errors in the documented shape
{"error": {"code", "message"}}; hostile markup never comes back unescaped in a page; a
redirect never leaves the site; a refused checkout writes nothing.

Examples are bounded (50 per test) and derandomized so the suite stays fast and a failure
reproduces; `HYPOTHESIS_PROFILE=explore pytest tests/test_fuzzing.py` digs deeper at random.
"""

import os
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import Order, Product
from tests.factories import ProductFactory, ShopFactory, UserFactory
from tests.shopping import DELIVERY

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    parent=settings.get_profile("ci"),
    max_examples=500,
    derandomize=False,
)
fuzz = settings(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")))

# Payloads that would run in a browser if a page echoed them without escaping.
HOSTILE_MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
]
ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e9",
    "NaN",
    "99999999999999999999999999",
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes, int() agrees, SQL may not
    "\x00",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "\u202etxt.exe",
    "Nước mắm Phú Quốc",
    "x" * 3000,
    "vi",
    "en",
    "dak-lak",
    "price_asc",
]

values = st.one_of(
    st.sampled_from(HOSTILE_MARKUP),
    st.sampled_from(ODD_VALUES),
    st.text(max_size=60),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.builds(lambda a, b: a + b, st.text(max_size=10), st.sampled_from(HOSTILE_MARKUP)),
)


def params(names: list[str]):
    """Some of the known parameter names (plus stray ones) with fuzzed values."""
    known = st.dictionaries(st.sampled_from(names), values, max_size=len(names))
    stray = st.dictionaries(
        st.one_of(
            st.sampled_from(["_external", "_scheme", "_anchor", "lang_code"]), st.text(max_size=8)
        ),
        values,
        max_size=2,
    )
    return st.builds(lambda a, b: {**b, **a}, known, stray)


@pytest.fixture
def shop_with_products(app):
    """Limits raised (each example is another request from the same address) and a little
    catalogue, one product named with markup so that search highlighting runs over it."""
    app.config.update(
        {
            key: "100000 per minute"
            for key in app.config
            if key.startswith("RATELIMIT_") and key != "RATELIMIT_STORAGE_URI"
        }
    )
    shop = ShopFactory(slug="htx-fuzz")
    ProductFactory(shop=shop, name_vi="Cà phê <script>alert(1)</script>", stock=1000)
    ProductFactory(shop=shop, name_vi="Nước mắm Phú Quốc", stock=1000)
    return shop


def assert_safe_page(response, sent: dict) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if response.mimetype != "text/html":
        return
    page = response.get_data(as_text=True)
    for value in sent.values():
        for payload in HOSTILE_MARKUP:
            assert not (payload in str(value) and payload in page), f"{payload!r} reflected"
    location = response.headers.get("Location")
    if location:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def assert_api_answer(response) -> None:
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code != 200:
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message"}
        assert all(isinstance(v, str) and v for v in body["error"].values())


# --- API --------------------------------------------------------------------------------------

PRODUCT_PARAMS = [
    "q",
    "lang",
    "category",
    "province",
    "shop",
    "ocop_stars",
    "min_price",
    "max_price",
    "sort",
    "page",
    "per_page",
]


@fuzz
@given(query=params(PRODUCT_PARAMS))
def test_product_search_api_answers_every_query(client, shop_with_products, query):
    assert_api_answer(client.get("/api/v1/products", query_string=query))


@fuzz
@given(query=params(["q", "lang", "limit"]))
def test_suggest_api_answers_every_query(client, shop_with_products, query):
    response = client.get("/api/v1/suggest", query_string=query)
    assert_api_answer(response)
    if response.status_code == 200:
        assert isinstance(response.get_json()["suggestions"], list)


@fuzz
@given(query=params(["lang", "province", "page", "per_page"]), slug=values)
def test_shop_api_answers_every_query(client, shop_with_products, query, slug):
    assert_api_answer(client.get("/api/v1/shops", query_string=query))
    assert_api_answer(client.get(f"/api/v1/shops/{quote(slug, safe='')}", query_string=query))


@fuzz
@given(product_id=values, query=params(["lang"]))
def test_product_api_answers_any_id(client, shop_with_products, product_id, query):
    assert_api_answer(
        client.get(f"/api/v1/products/{quote(product_id, safe='')}", query_string=query)
    )


# --- public pages and forms -------------------------------------------------------------------


@fuzz
@given(query=params(["q", "sort", "page", *PRODUCT_PARAMS[2:8]]))
def test_search_page_survives_and_escapes_every_query(client, shop_with_products, query):
    assert_safe_page(client.get("/en/search", query_string=query), query)


@fuzz
@given(
    path=st.sampled_from(["/en/", "/vi/shops", "/en/s/htx-fuzz", "/en/cart", "/en/login"]),
    query=params(["page", "next", "q"]),
)
@example(path="/vi/shops", query={"page": "99999999999999999999999999"})
@example(path="/en/", query={"_external": "1", "_scheme": "javascript"})
def test_public_pages_survive_any_query_string(client, shop_with_products, path, query):
    assert_safe_page(client.get(path, query_string=query), query)


@fuzz
@given(form=params(["email", "password", "remember"]), next_=values)
def test_login_form_survives_and_escapes_anything(client, shop_with_products, form, next_):
    response = client.post("/en/login", query_string={"next": next_}, data=form)
    assert response.status_code in (302, 400, 401)
    assert_safe_page(response, {**form, "next": next_})
    client.post("/en/logout")


@fuzz
@given(form=params(["name", "email", "password"]), next_=values)
def test_register_form_survives_and_escapes_anything(client, shop_with_products, form, next_):
    response = client.post("/en/register", query_string={"next": next_}, data=form)
    assert response.status_code in (302, 400)
    assert_safe_page(response, {**form, "next": next_})
    client.post("/en/logout")


@fuzz
@given(form=params(["email"]), token=values)
def test_password_reset_forms_survive_and_escape_anything(client, shop_with_products, form, token):
    assert_safe_page(client.post("/en/reset-password", data=form), form)
    sent = {"new_password": form.get("email", ""), "confirm": token}
    response = client.post(f"/en/reset-password/{quote(token, safe='')}", data=sent)
    assert_safe_page(response, {**sent, "token": token})


@fuzz
@given(form=params(["product_id", "qty"]))
@example(form={"product_id": str(2**63), "qty": "1"})
def test_cart_forms_survive_anything(client, shop_with_products, form):
    for url in ("/en/cart/add", "/en/cart/update"):
        response = client.post(url, data=form)
        assert response.status_code in (302, 400, 404, 409)
        assert_safe_page(response, form)


@pytest.fixture
def buyer_at_checkout(client, shop_with_products):
    UserFactory(email="fuzz@example.com")
    client.post("/en/login", data={"email": "fuzz@example.com", "password": "password123"})
    return db.session.scalar(sa.select(Product).order_by(Product.id))


CHECKOUT_FIELDS = [*DELIVERY, "payment_method"]


@fuzz
@given(changes=params(CHECKOUT_FIELDS))
def test_checkout_form_survives_anything_and_writes_nothing_when_refused(
    client, buyer_at_checkout, changes
):
    client.post("/en/cart/add", data={"product_id": buyer_at_checkout.id, "qty": 1})
    orders_before = db.session.scalar(sa.select(sa.func.count(Order.id)))
    form = {**DELIVERY, "payment_method": "cod", **changes}
    response = client.post("/en/checkout", data=form)
    assert response.status_code in (302, 400, 409)
    assert_safe_page(response, form)
    orders_after = db.session.scalar(sa.select(sa.func.count(Order.id)))
    assert orders_after == orders_before + (1 if response.status_code == 302 else 0)
