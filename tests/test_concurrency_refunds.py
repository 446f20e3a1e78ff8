"""Two "refunded in Stripe" webhooks for one order, handled at the same moment in two OS
processes, book the money once: each event carries the charge's refunded total, and the
second one to run must see what the first booked (a row lock on the order in PostgreSQL;
SQLite writes one at a time)."""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import multiprocessing
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Refund, ShopOrder
from tests.factories import ProductFactory, staff_of
from tests.shopping import (  # noqa: F401
    buyer,
    fake_stripe,
    order,
    placed_order,
    post_event,
    stripe_client,
)


def handle_in_process(database_uri: str, tmp: str, event: dict, barrier, results) -> None:
    from app import create_app
    from app.payments import stripe_events
    from app.unit_of_work import transaction
    from tests.conftest import _settings

    app = create_app({**_settings(Path(tmp)), "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        barrier.wait(timeout=120)
        with transaction():  # what the webhook's request does around it
            outcome = stripe_events.handle_stripe_event(event)
        results.put(outcome)


def test_two_dashboard_refund_events_at_once_book_the_refunded_total_once(
    app, client, auth, fake_stripe, tmp_path
):
    product = ProductFactory(price_vnd=100_000, stock=10)
    staff_of(product.shop, email="staff@example.com")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 2)], "card", lang="en")
    stripe = stripe_client(fake_stripe)
    stripe.v1.payment_intents.confirm(
        placed.stripe_payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    assert post_event(client, fake_stripe, fake_stripe.events[-1]).json["outcome"] == "paid"
    events = []
    for amount in (50_000, 30_000):  # the charge then shows 50,000, then 80,000 refunded
        stripe.v1.refunds.create(
            {"payment_intent": placed.stripe_payment_intent_id, "amount": amount}
        )
        events.append(fake_stripe.events[-1])
    db.session.remove()

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    processes = [
        context.Process(
            target=handle_in_process,
            args=(uri, str(tmp_path / f"p{n}"), event, barrier, results),
        )
        for n, event in enumerate(events)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0, 0]
    outcomes = sorted(results.get(timeout=5) for _ in processes)

    assert "refund outside" in outcomes
    assert db.session.scalar(sa.select(sa.func.sum(Refund.amount_vnd))) == 80_000
    part = db.session.get(ShopOrder, order(placed.number).shop_orders[0].id)
    assert part.refunded_vnd == 80_000 and part.order.refunded_vnd == 80_000
