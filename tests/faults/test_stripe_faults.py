"""Stripe (the local fake) answering 500s, timing out or dropping the connection while a
PaymentIntent or a refund is created: the buyer sees a clear message and can retry, every
retry reuses the idempotency key, nothing is charged or refunded twice, and a refund Stripe
did not answer waits, shown to staff, until `flask payments retry-refunds` sends it."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Order, Refund, ShopOrder
from app.orders import services as orders
from tests.factories import ProductFactory, ShopFactory, staff_of
from tests.faults.invariants import check
from tests.shopping import (
    as_a_request,
    buyer,
    order,
    placed_order,
    post_event,
    stripe_client,
)

UNAVAILABLE = {
    "vi": "Thanh toán bằng thẻ tạm thời không khả dụng",
    "en": "Card payment is unavailable right now; try again in a minute.",
}


@pytest.fixture
def tea(app):
    shop = ShopFactory(slug="htx-tan-cuong")
    product = ProductFactory(shop=shop, name_en="Green tea", price_vnd=100_000, stock=20)
    staff_of(shop, email="staff@example.com")
    buyer()
    return product


def intents_for(fake, number: str) -> list[dict]:
    return [pi for pi in fake.payment_intents.values() if pi["metadata"]["order_number"] == number]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_stripe_failing_at_checkout_shows_a_clear_message_and_a_retry_charges_once(
    app, client, auth, tea, fake_stripe, lang
):
    auth.login("buyer@example.com", lang=lang)
    # 3 tries per call (the library retries twice, with the same key): the intent made after
    # the checkout and the card form's first request for it both fail.
    fake_stripe.inject("error", count=6, path="/v1/payment_intents")
    placed = placed_order(client, [(tea, 2)], "card", lang=lang)
    assert placed.stripe_payment_intent_id is None  # the order stands, unpaid
    assert client.get(f"/{lang}/orders/{placed.number}").status_code == 200
    card = client.post(f"/{lang}/orders/{placed.number}/card")  # what the card form asks
    assert card.status_code == 503
    assert UNAVAILABLE[lang] in card.json["error"]
    assert intents_for(fake_stripe, placed.number) == []

    card = client.post(f"/{lang}/orders/{placed.number}/card")  # Stripe is back: a retry
    assert card.status_code == 200 and card.json["client_secret"]
    assert len(intents_for(fake_stripe, placed.number)) == 1
    client.post(f"/{lang}/orders/{placed.number}/card")
    assert len(intents_for(fake_stripe, placed.number)) == 1
    assert fake_stripe.faulted == 6


def test_an_answer_lost_after_stripe_created_the_intent_is_replayed_not_created_again(
    app, client, auth, tea, fake_stripe
):
    auth.login("buyer@example.com", lang="en")
    fake_stripe.inject("drop_after", count=1, path="/v1/payment_intents")
    placed = placed_order(client, [(tea, 1)], "card", lang="en")
    (intent,) = intents_for(fake_stripe, placed.number)
    assert order(placed.number).stripe_payment_intent_id == intent["id"]


def test_stripe_timing_out_leaves_the_order_payable_later(app, client, auth, tea, fake_stripe):
    app.config["STRIPE_TIMEOUT_SECONDS"] = 0.3
    auth.login("buyer@example.com", lang="en")
    fake_stripe.inject("delay", count=3, path="/v1/payment_intents", seconds=1)
    placed = placed_order(client, [(tea, 1)], "card", lang="en")
    assert placed.stripe_payment_intent_id is None
    fake_stripe.join_deliveries()
    card = client.post(f"/en/orders/{placed.number}/card")
    # The delayed calls did reach Stripe in the end: the retry found the same intent.
    assert card.status_code == 200 and card.json["client_secret"]
    assert len(intents_for(fake_stripe, placed.number)) == 1


def paid_and_delivered(client, auth, product, fake) -> ShopOrder:
    auth.login("buyer@example.com", lang="en")
    placed = placed_order(client, [(product, 2)], "card", lang="en")
    auth.logout(lang="en")
    stripe_client(fake).v1.payment_intents.confirm(
        placed.stripe_payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    assert post_event(client, fake, fake.events[-1]).json["outcome"] == "paid"
    shop_order = db.session.get(ShopOrder, order(placed.number).shop_orders[0].id)
    staff = shop_order.shop.members[0].user
    with as_a_request():
        orders.pack(staff, shop_order)
    with as_a_request():
        orders.ship(staff, shop_order, "GHN", "GHN1")
    with as_a_request():
        orders.deliver(staff, db.session.get(ShopOrder, shop_order.id))
    return db.session.get(ShopOrder, shop_order.id)


@pytest.mark.parametrize("mode", ["error", "drop_after"])
def test_a_refund_stripe_did_not_answer_waits_for_staff_to_see_and_is_sent_once_later(
    app, client, auth, runner, tea, fake_stripe, mode
):
    shop_order = paid_and_delivered(client, auth, tea, fake_stripe)
    staff = shop_order.shop.members[0].user
    fake_stripe.inject(mode, count=3, path="/v1/refunds")  # every try of this call
    with as_a_request():
        orders.refund(staff, shop_order, None, "Hàng vỡ")
    db.session.expire_all()
    (refund,) = db.session.scalars(sa.select(Refund))
    assert refund.status == "pending" and refund.error
    made = len(fake_stripe.refunds)
    assert made == (1 if mode == "drop_after" else 0)  # made at Stripe, the answer lost

    auth.login("staff@example.com", lang="en")
    page = client.get(f"/en/manage/htx-tan-cuong/orders/{shop_order.number}")
    text = page.get_data(as_text=True)
    assert "waiting for Stripe" in text and "sent again automatically" in text
    page = client.get(f"/vi/manage/htx-tan-cuong/orders/{shop_order.number}")
    assert "tự động gửi lại" in page.get_data(as_text=True)

    result = runner.invoke(args=["payments", "retry-refunds", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert "1 of 1 delayed refund(s) sent." in result.output
    db.session.expire_all()
    refund = db.session.get(Refund, refund.id)
    assert refund.status == "succeeded" and refund.error is None
    assert list(fake_stripe.refunds) == [refund.stripe_refund_id]  # one refund, ever
    charge = fake_stripe.charges[
        fake_stripe.payment_intents[shop_order.order.stripe_payment_intent_id]["latest_charge"]
    ]
    assert charge["amount_refunded"] == shop_order.total_vnd
    assert db.session.get(Order, shop_order.order_id).payment_status == "refunded"

    again = runner.invoke(args=["payments", "retry-refunds", "--older-than", "0"])
    assert "0 of 0 delayed refund(s) sent." in again.output
    invariants = check(app.config["SQLALCHEMY_DATABASE_URI"], {tea.id: 20})
    assert all(invariants.values()), invariants


def test_the_fake_takes_faults_from_another_process_over_http(fake_stripe):
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{fake_stripe.url}/_fake/faults",
        json.dumps({"mode": "error", "count": 2}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.load(response)["faults"][0]["count"] == 2
    import stripe

    client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake_stripe.url})
    with pytest.raises(stripe.APIError):
        client.v1.payment_intents.create({"amount": 1000, "currency": "vnd"})
    with pytest.raises(stripe.APIError):
        client.v1.payment_intents.create({"amount": 1000, "currency": "vnd"})
    assert client.v1.payment_intents.create({"amount": 1000, "currency": "vnd"}).amount == 1000
    clear = urllib.request.Request(f"{fake_stripe.url}/_fake/faults/clear", b"", method="POST")
    with urllib.request.urlopen(clear, timeout=5) as response:
        assert json.load(response)["faults"] == []
