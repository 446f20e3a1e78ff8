"""Helpers for cart, checkout and payment tests: a buyer's steps through the web forms."""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import current_app

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
