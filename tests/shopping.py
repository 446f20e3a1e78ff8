"""Helpers for cart, checkout and payment tests: a buyer's steps through the web forms."""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Order, Product
from app.unit_of_work import transaction
from tests.factories import UserFactory

DELIVERY = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912345678",
    "address": "12 Lê Lợi",
    "commune": "Phường Buôn Ma Thuột",
    "province": "dak-lak",
}
BANK = {
    "VIETQR_BANK_BIN": "970436",
    "VIETQR_ACCOUNT_NO": "0011001234567",
    "VIETQR_ACCOUNT_NAME": "CHO HTX",
}


@contextmanager
def as_a_request():
    """What a request gives the services a test calls directly: a request context (the links
    in their mail) and one unit of work, committed at the end (its mail then leaves)."""
    with current_app.test_request_context(), transaction():
        yield


def buyer(email: str = "buyer@example.com", **kwargs):
    return UserFactory(email=email, name="Nguyễn Thị Lan", **kwargs)


def add_to_cart(client, product: Product | int, qty: int = 1, lang: str = "vi"):
    product_id = product if isinstance(product, int) else product.id
    return client.post(f"/{lang}/cart/add", data={"product_id": product_id, "qty": qty})


def checkout(client, payment_method: str = "cod", lang: str = "vi", **overrides):
    return client.post(
        f"/{lang}/checkout", data={**DELIVERY, "payment_method": payment_method, **overrides}
    )


def order_number_from(response) -> str:
    return re.search(r"/orders/([A-Z0-9-]+)$", response.headers["Location"]).group(1)


def placed_order(client, products, payment_method: str = "cod", lang: str = "vi") -> Order:
    """Add each (product, qty) and check out; returns the order as stored."""
    for product, qty in products:
        assert add_to_cart(client, product, qty, lang=lang).status_code == 302
    response = checkout(client, payment_method, lang=lang)
    assert response.status_code == 302, response.get_data(as_text=True)
    return order(order_number_from(response))


def order(number: str) -> Order:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order).where(Order.number == number))


def stock_of(product: Product) -> int:
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))


@pytest.fixture
def signed_in_buyer(client, auth):
    user = buyer()
    auth.login(user.email)
    return user


@pytest.fixture
def bank_account(app):
    app.config.update(BANK)
    return BANK


def stripe_client(fake):
    """The stripe library, as the buyer's browser (Stripe.js) or the operator would use it."""
    import stripe

    return stripe.StripeClient("sk_test_chohtx", base_addresses={"api": fake.url})


def post_event(client, fake, event):
    """Stripe's signed webhook for `event`, delivered to the app."""
    body, headers = fake.webhook_request(event)
    return client.post("/payments/stripe/webhook", data=body, headers=headers)


@pytest.fixture
def fake_stripe(app):
    """The fake Stripe server, with the app's settings pointing at it."""
    from tests.fake_stripe import FakeStripe

    fake = FakeStripe(webhook_secret="whsec_test").start()
    app.config.update(
        STRIPE_SECRET_KEY="sk_test_chohtx",
        STRIPE_PUBLISHABLE_KEY="pk_test_chohtx",
        STRIPE_WEBHOOK_SECRET="whsec_test",
        STRIPE_API_BASE=fake.url,
    )
    yield fake
    fake.stop()


@dataclass
class PageForm:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # in document order
    text: str = ""  # what its buttons and labels say


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._open: PageForm | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = PageForm(action=attrs.get("action") or "")
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self._open.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data


def page_forms(html: str) -> list[PageForm]:
    """The page's forms with the fields a browser would send, so a test posts what a user does."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def submit_form(client, html: str, button_text: str):
    """Post the form holding `button_text` exactly as the browser would (every field, in order)."""
    form = next(f for f in page_forms(html) if button_text in f.text)
    return client.post(form.action, data=MultiDict(form.fields))
