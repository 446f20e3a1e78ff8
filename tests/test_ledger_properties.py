"""Ledger invariants over random sequences of sales, refunds, payout runs, failures and replays.

Hypothesis draws the sequences; after every step: each transaction sums to zero, each shop's
balance equals the sum of its entries, nobody is paid more than was earned minus refunds
(plus the operator's adjustments), and applying an event a second time changes nothing.
"""

import itertools

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Order,
    OrderLine,
    Payment,
    Payout,
    Refund,
    ShopOrder,
)
from app.payments import services as payments
from app.payments import stripe_events
from app.payouts import ledger, services
from tests.factories import ShopFactory, UserFactory

K = AccountKind
_numbers = itertools.count(1)

sales = st.tuples(
    st.just("sale"),
    st.integers(0, 2),  # which shop
    st.lists(st.tuples(st.integers(1_000, 500_000), st.integers(1, 4)), min_size=1, max_size=3),
    st.sampled_from([0, 30_000]),  # shipping
    st.sampled_from([0, 300, 800, 1_250]),  # commission bps
)
refunds = st.tuples(
    st.just("refund"), st.integers(0, 20), st.integers(0, 3), st.booleans()
)  # which sale, which line, everything left?
money = st.tuples(st.just("money"), st.integers(0, 20), st.integers(1, 100))  # which sale, % left
runs = st.tuples(st.just("run"), st.booleans())  # is the return window over?
failures = st.tuples(st.just("fail"), st.integers(0, 10))
replays = st.tuples(st.just("replay"), st.integers(0, 20))
adjustments = st.tuples(st.just("adjust"), st.integers(0, 2), st.integers(-200_000, 200_000))
steps = st.lists(
    st.one_of(sales, refunds, money, runs, failures, replays, adjustments), max_size=14
)


def delivered_sale(buyer, shop, lines, shipping, bps) -> ShopOrder:
    """A cash-on-delivery shop order delivered and paid in cash, booked like the services do."""
    n = next(_numbers)
    items = sum(price * qty for price, qty in lines)
    order = Order(
        number=f"PROP-{n}",
        buyer_id=buyer.id,
        email=buyer.email,
        locale="vi",
        contact_name="Lan",
        phone="0912345678",
        address="1 Lê Lợi",
        province_id=1,
        payment_method="cod",
        payment_status="paid",
        items_vnd=items,
        shipping_vnd=shipping,
        total_vnd=items + shipping,
        refunded_vnd=0,
    )
    shop_order = ShopOrder(
        order=order,
        number=f"PROP-{n}-1",
        shop_id=shop.id,
        status="delivered",
        items_vnd=items,
        shipping_vnd=shipping,
        total_vnd=items + shipping,
        refunded_vnd=0,
        commission_bps=bps,
    )
    for i, (price, qty) in enumerate(lines):
        shop_order.lines.append(
            OrderLine(
                shop_id=shop.id,
                sku=f"S{i}",
                unit_price_vnd=price,
                qty=qty,
                refunded_qty=0,
                commission_bps=bps,
            )
        )
    db.session.add(order)
    db.session.flush()
    db.session.add(
        Payment(
            order_id=order.id,
            shop_order_id=shop_order.id,
            method="cod",
            amount_vnd=order.total_vnd,
            reference=shop_order.number,
        )
    )
    ledger.post_sale(shop_order)
    db.session.commit()
    return shop_order


def snapshot() -> tuple:
    db.session.expire_all()
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction)),
        tuple(sorted(ledger.account_sums().items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))),
    )


def check_invariants(shops, earned_minus_refunds) -> None:
    db.session.expire_all()
    assert ledger.unbalanced_transactions() == []  # every transaction sums to zero
    for shop in shops:
        figures = ledger.balance(shop)
        entries = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_vnd), 0))
            .join(LedgerAccount)
            .where(
                LedgerAccount.shop_id == shop.id,
                LedgerAccount.kind.in_((K.PENDING, K.AVAILABLE)),
            )
        )
        assert figures.balance_vnd == entries
        owed = earned_minus_refunds[shop.id]
        # What the shop has (owed + paid) is exactly what it earned, net of refunds.
        assert figures.balance_vnd + figures.paid_out_vnd == owed
        assert figures.pending_vnd >= 0 and figures.paid_out_vnd >= 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_ledger_invariants_hold_over_random_sequences(app, sequence):
    app.config["PAYOUT_MINIMUM_VND"] = 1
    buyer = UserFactory()
    admin = UserFactory(role="admin")
    shops = [
        ShopFactory(
            payout_bank_bin="970436", payout_account_no="0011001234567", payout_account_holder="HTX"
        )
        for _ in range(3)
    ]
    earned = {shop.id: 0 for shop in shops}  # net earnings minus refunds, computed apart
    sold: list[int] = []

    def shop_net(shop_order_id: int) -> int:
        """The shop's share, from the events the test itself applied: sales minus refunds."""
        return sum(
            entry.amount_vnd
            for entry in db.session.scalars(
                sa.select(LedgerEntry)
                .join(LedgerTransaction)
                .join(LedgerAccount)
                .where(
                    LedgerTransaction.shop_order_id == shop_order_id,
                    LedgerTransaction.kind.in_(("sale", "refund")),
                    LedgerAccount.shop_id.is_not(None),
                )
            )
        )

    for step in sequence:
        kind = step[0]
        if kind == "sale":
            _, which, lines, shipping, bps = step
            shop_order = delivered_sale(buyer, shops[which], lines, shipping, bps)
            sold.append(shop_order.id)
            commission = sum(ledger.commission_of(p * q, bps) for p, q in lines)
            gross = sum(p * q for p, q in lines) + shipping
            assert shop_net(shop_order.id) == gross - commission
            earned[shops[which].id] += gross - commission
        elif kind == "refund" and sold:
            _, which, line_no, everything = step
            shop_order = db.session.get(ShopOrder, sold[which % len(sold)])
            left = {line: line.qty - line.refunded_qty for line in shop_order.lines}
            left = {line: qty for line, qty in left.items() if qty > 0}
            if not left:
                continue
            if not everything:
                line = list(left)[line_no % len(left)]
                left = {line: 1}
            amount = sum(line.unit_price_vnd * qty for line, qty in left.items())
            amount = min(amount, shop_order.total_vnd - shop_order.refunded_vnd)  # as the service
            if amount <= 0:
                continue
            before = shop_net(shop_order.id)
            payments.record_refund(shop_order, amount_vnd=amount, reason="r", lines=left)
            db.session.commit()
            after = shop_net(shop_order.id)
            assert 0 < before - after <= amount  # the shop gives back at most what was refunded
            earned[shop_order.shop_id] -= before - after
            if all(line.refunded_qty == line.qty for line in shop_order.lines):
                # commission fully handed back: the shop keeps what was not refunded
                assert after == shop_order.total_vnd - shop_order.refunded_vnd
        elif kind == "money" and sold:  # refunded in the Stripe dashboard: money, no goods
            _, which, percent = step
            shop_order = db.session.get(ShopOrder, sold[which % len(sold)])
            amount = (shop_order.total_vnd - shop_order.refunded_vnd) * percent // 100
            if amount <= 0:
                continue
            before = shop_net(shop_order.id)
            stripe_events.book_outside_refund(shop_order.order, amount, "dashboard")
            db.session.commit()
            after = shop_net(shop_order.id)
            assert 0 < before - after <= amount
            earned[shop_order.shop_id] -= before - after
        elif kind == "run":
            app.config["RETURN_WINDOW_DAYS"] = 0 if step[1] else 7
            report = services.run_payouts()
            for planned in report.payouts:
                shop = next((s for s in shops if s.slug == planned.shop_slug), None)
                if shop is not None:  # paid out never exceeds earnings minus refunds
                    assert ledger.balance(shop).paid_out_vnd <= earned[shop.id]
                    assert ledger.balance(shop).available_vnd == 0
        elif kind == "fail":
            waiting = services.waiting_bank_payouts()
            if waiting:
                services.mark_failed(admin, waiting[step[1] % len(waiting)], "returned")
        elif kind == "replay" and sold:
            before = snapshot()
            shop_order = db.session.get(ShopOrder, sold[step[1] % len(sold)])
            ledger.post_sale(shop_order)
            for refund in db.session.scalars(
                sa.select(Refund).where(Refund.shop_order_id == shop_order.id)
            ):
                ledger.post_refund(refund)
            db.session.commit()
            for payout in db.session.scalars(sa.select(Payout).where(Payout.status == "failed")):
                with pytest.raises(services.PayoutError):
                    services.mark_failed(admin, payout, "again")
            assert snapshot() == before
        elif kind == "adjust" and step[2]:
            services.adjust(admin, shops[step[1]], step[2], "correction")
            earned[shops[step[1]].id] += step[2]
        check_invariants(shops, earned)
