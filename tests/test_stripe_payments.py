"""Card payments through Stripe, against the fake Stripe server in tests/fake_stripe.py.

The webhook is the source of truth: signature checked, each event applied once whatever
the order of arrival, unknown types acknowledged. Refunds go through Stripe with
idempotency keys, and missing keys switch the card option off instead of breaking pages.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
import stripe

from app.extensions import db
from app.models import Order, OrderEvent, Payment, Refund, StripeEvent
from app.models.base import utcnow
from tests.factories import ProductFactory, ShopFactory, staff_of
from tests.shopping import (  # noqa: F401
    buyer,
    fake_stripe,
    order,
    placed_order,
    post_event,
    stock_of,
    stripe_client,
)

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def card_order(client, auth, fake_stripe):
    """A card order of 2 × 100,000 ₫ (+ 30,000 ₫ shipping) whose PaymentIntent exists."""
    product = ProductFactory(name_en="Green tea", price_vnd=100000, stock=10)
    staff_of(product.shop, email="staff@example.com")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 2)], "card", lang="en")
    return placed, product


def pay(fake, placed, method="pm_card_visa"):
    """What Stripe.js does in the buyer's browser: confirm the intent with a card."""
    try:
        stripe_client(fake).v1.payment_intents.confirm(
            placed.stripe_payment_intent_id, {"payment_method": method}
        )
    except stripe.CardError:
        pass
    return fake.events[-1]


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_card_checkout_creates_one_payment_intent_for_the_whole_order_in_vnd(
    client,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    (intent,) = fake_stripe.payment_intents.values()
    assert placed.stripe_payment_intent_id == intent["id"]
    assert (intent["amount"], intent["currency"]) == (230000, "vnd")  # zero-decimal: đồng
    assert intent["metadata"] == {"order_number": placed.number}
    assert intent["transfer_group"] == placed.number
    assert placed.expires_at is not None and stock_of(product) == 8
    keys = [key for _api_key, key in fake_stripe._idempotency]
    assert f"order-{placed.number}-payment-intent" in keys

    calls = len(fake_stripe.requests)
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert f'data-intent-url="/en/orders/{placed.number}/card"' in html
    assert 'data-publishable-key="pk_test_chohtx"' in html
    assert "js/checkout.js" in html and "Pay ₫230,000" in html
    assert len(fake_stripe.requests) == calls  # the page only reads: Stripe is not called
    card = client.post(f"/en/orders/{placed.number}/card")  # what the card form asks
    assert card.status_code == 200 and card.json["client_secret"] == intent["client_secret"]
    assert card.json["publishable_key"] == "pk_test_chohtx"
    assert len(fake_stripe.payment_intents) == 1  # the form retrieves, never creates again


def test_succeeded_webhook_marks_the_order_paid(client, card_order, fake_stripe):
    placed, _ = card_order
    event = pay(fake_stripe, placed)
    assert event["type"] == "payment_intent.succeeded"

    response = post_event(client, fake_stripe, event)

    assert response.status_code == 200 and response.json["outcome"] == "paid"
    paid = order(placed.number)
    assert (paid.payment_status, [s.status for s in paid.shop_orders]) == ("paid", ["paid"])
    payment = db.session.scalar(sa.select(Payment))
    assert (payment.method, payment.amount_vnd, payment.reference) == (
        "card",
        230000,
        placed.stripe_payment_intent_id,
    )
    assert paid.events[-1].from_status == "pending_payment" and paid.events[-1].actor is None
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "data-intent-url" not in html and "Paid" in html
    assert client.post(f"/en/orders/{placed.number}/card").status_code == 409


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body.replace(b"230000", b"999999"), headers),
        lambda body, headers: (body, {**headers, "Stripe-Signature": "t=1,v1=deadbeef"}),
        lambda body, headers: (
            body,
            {k: v for k, v in headers.items() if k != "Stripe-Signature"},
        ),
    ],
    ids=["changed body", "wrong signature", "no signature"],
)
def test_a_bad_signature_is_refused_with_400_and_changes_nothing(
    client,
    card_order,
    fake_stripe,
    tamper,
):
    placed, _ = card_order
    body, headers = fake_stripe.webhook_request(pay(fake_stripe, placed))
    body, headers = tamper(body, headers)
    assert client.post(WEBHOOK, data=body, headers=headers).status_code == 400
    assert order(placed.number).payment_status == "unpaid"
    assert count(StripeEvent) == 0


def test_a_signature_made_with_another_secret_is_refused(client, card_order, fake_stripe):
    placed, _ = card_order
    body, headers = fake_stripe.webhook_request(pay(fake_stripe, placed))
    headers["Stripe-Signature"] = fake_stripe.sign_payload(body, secret="whsec_attacker")
    assert client.post(WEBHOOK, data=body, headers=headers).status_code == 400


def test_a_replayed_event_is_processed_once(client, card_order, fake_stripe):
    placed, _ = card_order
    event = pay(fake_stripe, placed)
    first = post_event(client, fake_stripe, event)
    again = post_event(client, fake_stripe, event)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json["outcome"] == "duplicate"
    assert count(Payment) == 1 and count(StripeEvent) == 1
    paid_moves = db.session.scalars(
        sa.select(OrderEvent).where(OrderEvent.to_status == "paid")
    ).all()
    assert len(paid_moves) == 1


def test_a_declined_attempt_shows_why_and_the_buyer_can_try_again(
    client,
    card_order,
    fake_stripe,
):
    placed, _ = card_order
    failed = pay(fake_stripe, placed, "pm_card_chargeDeclined")
    assert failed["type"] == "payment_intent.payment_failed"
    assert post_event(client, fake_stripe, failed).json["outcome"] == "failed"
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "The last payment attempt failed: Your card was declined." in html
    assert "data-intent-url" in html  # the same intent takes another card
    again = client.post(f"/en/orders/{placed.number}/card").json
    assert again["client_secret"].startswith(placed.stripe_payment_intent_id)

    post_event(client, fake_stripe, pay(fake_stripe, placed))
    paid = order(placed.number)
    assert paid.payment_status == "paid" and paid.payment_error is None


def test_events_arriving_out_of_order_end_in_the_right_state(
    client,
    card_order,
    fake_stripe,
):
    placed, _ = card_order
    failed = pay(fake_stripe, placed, "pm_card_chargeDeclined")
    succeeded = pay(fake_stripe, placed)
    # Stripe does not promise order: the success arrives first, the older failure after it.
    assert post_event(client, fake_stripe, succeeded).json["outcome"] == "paid"
    assert post_event(client, fake_stripe, failed).json["outcome"] == "ignored"
    paid = order(placed.number)
    assert paid.payment_status == "paid" and paid.payment_error is None


def test_a_success_arriving_before_the_intent_id_was_saved_finds_the_order(
    client,
    card_order,
    fake_stripe,
):
    placed, _ = card_order
    event = pay(fake_stripe, placed)
    db.session.get(Order, placed.id).stripe_payment_intent_id = None  # our save came later
    db.session.commit()
    assert post_event(client, fake_stripe, event).json["outcome"] == "paid"
    assert order(placed.number).stripe_payment_intent_id == event["data"]["object"]["id"]


def test_unknown_event_types_are_acknowledged_and_ignored(client, fake_stripe):
    event = fake_stripe.build_event("customer.created", {"id": "cus_1", "object": "customer"})
    response = post_event(client, fake_stripe, event)
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    event = fake_stripe.build_event(
        "payment_intent.succeeded",
        {"id": "pi_elsewhere", "object": "payment_intent", "metadata": {}, "amount": 1},
    )
    assert post_event(client, fake_stripe, event).json["outcome"] == "unknown order"


def test_a_payment_after_the_order_expired_is_refunded_in_full(
    client,
    runner,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    db.session.get(Order, placed.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "1 unpaid order(s) expired." in runner.invoke(args=["orders", "expire"]).output
    assert stock_of(product) == 10
    # The buyer's bank was slow: the payment lands after the expiry cancelled the intent...
    intent = fake_stripe.payment_intents[placed.stripe_payment_intent_id]
    assert intent["status"] == "canceled"
    intent["status"] = "requires_payment_method"  # ...as if the cancel had lost the race
    event = pay(fake_stripe, placed)

    response = post_event(client, fake_stripe, event)

    assert response.json["outcome"] == "refunding late payment"
    (refund,) = fake_stripe.refunds.values()
    assert (refund["amount"], refund["payment_intent"]) == (230000, intent["id"])
    late = order(placed.number)
    assert (late.payment_status, late.refunded_vnd) == ("refunded", 230000)
    assert [s.status for s in late.shop_orders] == ["cancelled"]
    assert db.session.scalar(sa.select(Refund)).stripe_refund_id == refund["id"]


def deliver_paid_order(client, auth, fake, placed):
    post_event(client, fake, pay(fake, placed))
    auth.logout(lang="en")
    auth.login("staff@example.com", lang="en")
    part = placed.shop_orders[0]
    base = f"/en/manage/{part.shop.slug}/orders/{part.number}"
    client.post(f"{base}/pack")
    client.post(f"{base}/ship", data={"carrier": "GHN", "tracking_number": "GHN1"})
    client.post(f"{base}/deliver")
    return part, base


def test_staff_refund_of_one_unit_goes_through_stripe_and_back_to_stock(
    client,
    auth,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    part, base = deliver_paid_order(client, auth, fake_stripe, placed)
    line = part.lines[0]

    response = client.post(
        f"{base}/refund",
        data={"reason": "One jar arrived broken", "refund_lines": "1", f"qty-{line.id}": "1"},
    )

    assert response.status_code == 302
    (stripe_refund,) = fake_stripe.refunds.values()
    assert stripe_refund["amount"] == 100000
    assert stripe_refund["metadata"]["order_number"] == placed.number
    refund = db.session.scalar(sa.select(Refund))
    assert (refund.status, refund.stripe_refund_id) == ("succeeded", stripe_refund["id"])
    refunded = order(placed.number)
    assert refunded.shop_orders[0].status == "partially_refunded"
    assert refunded.payment_status == "partially_refunded"
    assert stock_of(product) == 9
    keys = [key for _api_key, key in fake_stripe._idempotency]
    assert f"refund-{placed.number}-{refund.id}" in keys

    # Stripe then reports the refund on the charge: known, nothing more to do.
    charge_event = fake_stripe.events[-1]
    assert charge_event["type"] == "charge.refunded"
    assert post_event(client, fake_stripe, charge_event).json["outcome"] == "refund known"


def test_a_refund_made_in_the_stripe_dashboard_is_noted_on_the_order(
    client,
    auth,
    card_order,
    fake_stripe,
):
    placed, _ = card_order
    post_event(client, fake_stripe, pay(fake_stripe, placed))
    stripe_client(fake_stripe).v1.refunds.create(
        {"payment_intent": placed.stripe_payment_intent_id, "amount": 50000}
    )
    response = post_event(client, fake_stripe, fake_stripe.events[-1])
    assert response.json["outcome"] == "refund outside"
    assert "₫50,000 was refunded outside Chợ HTX (in Stripe)." in [
        e.note for e in order(placed.number).events
    ]


def test_staff_cancelling_a_paid_card_order_refunds_it_in_full(
    client,
    auth,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    post_event(client, fake_stripe, pay(fake_stripe, placed))
    auth.logout(lang="en")
    auth.login("staff@example.com", lang="en")
    part = placed.shop_orders[0]
    response = client.post(
        f"/en/manage/{part.shop.slug}/orders/{part.number}/cancel",
        data={"reason": "Out of season"},
    )
    assert response.status_code == 302
    (stripe_refund,) = fake_stripe.refunds.values()
    assert stripe_refund["amount"] == 230000
    cancelled = order(placed.number)
    assert [s.status for s in cancelled.shop_orders] == ["cancelled"]
    assert (cancelled.payment_status, cancelled.refunded_vnd) == ("refunded", 230000)
    assert stock_of(product) == 10


def test_a_refund_stripe_refuses_is_reported_changes_nothing_and_can_be_sent_again(
    client,
    auth,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    part, base = deliver_paid_order(client, auth, fake_stripe, placed)
    real_intent = placed.stripe_payment_intent_id
    db.session.get(Order, placed.id).stripe_payment_intent_id = "pi_unknown"
    db.session.commit()

    response = client.post(f"{base}/refund", data={"reason": "Lost", "refund_all": "1"})

    assert response.status_code == 409
    assert "Stripe did not refund" in response.get_data(as_text=True)
    failed = order(placed.number)
    assert failed.shop_orders[0].status == "delivered" and failed.refunded_vnd == 0
    assert stock_of(product) == 8
    refund = db.session.scalar(sa.select(Refund))
    assert refund.status == "failed" and "pi_unknown" in refund.error

    db.session.get(Order, placed.id).stripe_payment_intent_id = real_intent
    db.session.commit()
    response = client.post(f"/en/manage/{part.shop.slug}/refunds/{refund.id}/retry")
    assert response.status_code == 302
    done = order(placed.number)
    assert done.shop_orders[0].status == "refunded" and done.refunded_vnd == 230000
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [230000]
    assert stock_of(product) == 10


def test_staff_of_another_shop_cannot_refund(client, auth, card_order, fake_stripe):
    placed, _ = card_order
    post_event(client, fake_stripe, pay(fake_stripe, placed))
    staff_of(ShopFactory(), email="other@example.com")
    auth.logout(lang="en")
    auth.login("other@example.com", lang="en")
    part = placed.shop_orders[0]
    response = client.post(
        f"/en/manage/{part.shop.slug}/orders/{part.number}/cancel", data={"reason": "x"}
    )
    assert response.status_code == 403
    assert fake_stripe.refunds == {}


def test_buyer_cancelling_an_unpaid_card_order_cancels_the_intent(
    client,
    card_order,
    fake_stripe,
):
    placed, product = card_order
    assert client.post(f"/en/orders/{placed.number}/cancel").status_code == 302
    assert fake_stripe.payment_intents[placed.stripe_payment_intent_id]["status"] == "canceled"
    assert stock_of(product) == 10


def test_without_stripe_keys_card_is_hidden_and_open_card_orders_still_render(
    app,
    client,
    card_order,
    fake_stripe,
):
    placed, _ = card_order
    app.config.update(STRIPE_SECRET_KEY=None, STRIPE_PUBLISHABLE_KEY=None)
    response = client.get(f"/en/orders/{placed.number}")
    assert response.status_code == 200
    assert "Card payment is switched off" in response.get_data(as_text=True)
    client.post(
        "/en/cart/add", data={"product_id": placed.shop_orders[0].lines[0].product_id, "qty": 1}
    )
    assert 'value="card"' not in client.get("/en/checkout").get_data(as_text=True)
    response = client.post(WEBHOOK, data=b"{}", headers={"Stripe-Signature": "t=1,v1=x"})
    assert response.status_code == 400


def test_an_unreachable_stripe_never_breaks_checkout(app, client, auth, fake_stripe):
    product = ProductFactory(stock=3)
    auth.login(buyer().email, lang="en")
    fake_stripe.stop()  # Stripe is down
    placed = placed_order(client, [(product, 1)], "card", lang="en")
    assert placed.stripe_payment_intent_id is None and stock_of(product) == 2
    response = client.get(f"/en/orders/{placed.number}")
    assert response.status_code == 200 and "data-intent-url" in response.get_data(as_text=True)
    card = client.post(f"/en/orders/{placed.number}/card")  # the card form asks Stripe
    assert card.status_code == 503
    assert "Card payment is unavailable right now" in card.json["error"]


def test_webhook_event_body_is_json_checked_after_the_signature(client, fake_stripe):
    body = json.dumps({"no": "id"}).encode()
    headers = {"Stripe-Signature": fake_stripe.sign_payload(body)}
    assert client.post(WEBHOOK, data=body, headers=headers).status_code == 400
