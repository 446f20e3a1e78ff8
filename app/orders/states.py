"""The shop order state machine: which move is legal for whom, and the log of every move.

pending_payment → paid → packed → shipped → delivered → completed, plus cancelled and
partially_refunded / refunded. A cash-on-delivery shop order has nothing to pay first: it
starts in awaiting_confirmation, and the cooperative confirms it by packing it. A move is a
compare-and-set on the status column, so two workers (a webhook and the expiry job, two staff
members) can never both make one.
Callers own the transaction; nothing here commits.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import OrderEvent, PaymentMethod, Product, ShopOrder, User
from app.models import ShopOrderStatus as S
from app.models.base import utcnow

BUYER, STAFF, SYSTEM = "buyer", "staff", "system"

# (from, to) -> who may make the move. SYSTEM is the code acting on an outside fact: a
# payment arriving, an unpaid order expiring, a refund being confirmed.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.PENDING_PAYMENT, S.PAID): frozenset({SYSTEM}),
    (S.PENDING_PAYMENT, S.CANCELLED): frozenset({BUYER, STAFF, SYSTEM}),
    (S.AWAITING_CONFIRMATION, S.PACKED): frozenset({STAFF}),
    (S.AWAITING_CONFIRMATION, S.CANCELLED): frozenset({BUYER, STAFF}),
    (S.PAID, S.PACKED): frozenset({STAFF}),
    (S.PAID, S.CANCELLED): frozenset({BUYER, STAFF}),
    (S.PACKED, S.SHIPPED): frozenset({STAFF}),
    (S.PACKED, S.CANCELLED): frozenset({STAFF}),
    (S.SHIPPED, S.DELIVERED): frozenset({STAFF}),
    (S.DELIVERED, S.COMPLETED): frozenset({STAFF, SYSTEM}),
}
for _source in (S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED):
    for _target in (S.PARTIALLY_REFUNDED, S.REFUNDED):
        TRANSITIONS[(_source, _target)] = frozenset({STAFF, SYSTEM})

# Stock goes back to the shelf when an order is cancelled before it left the cooperative.
RESTOCK_ON = {S.CANCELLED}
# The groupings of states that rules elsewhere rely on, all here so that a new state is
# placed in each of them at once.
# The parcel has left the cooperative (with the carrier, or with the buyer).
LEFT_THE_COOPERATIVE = (S.SHIPPED, S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED)
# The buyer has the goods: cash on delivery is in the cooperative's hands from then on.
AFTER_DELIVERY = (S.DELIVERED, S.COMPLETED, S.PARTIALLY_REFUNDED, S.REFUNDED)
# The buyer has the goods and kept them: they may review the product.
RECEIVED = (S.DELIVERED, S.COMPLETED)
# Refunds are for goods that left the cooperative; before that, staff cancel (which refunds).
REFUNDABLE = tuple(s for s in LEFT_THE_COOPERATIVE if s != S.REFUNDED)

STATUS_LABELS = {
    S.PENDING_PAYMENT: _l("Waiting for payment"),
    S.AWAITING_CONFIRMATION: _l("Waiting for the cooperative's confirmation"),
    S.PAID: _l("Paid"),
    S.PACKED: _l("Packed"),
    S.SHIPPED: _l("Shipped"),
    S.DELIVERED: _l("Delivered"),
    S.COMPLETED: _l("Completed"),
    S.CANCELLED: _l("Cancelled"),
    S.PARTIALLY_REFUNDED: _l("Partly refunded"),
    S.REFUNDED: _l("Refunded"),
}


class OrderStateError(ValueError):
    """An illegal or stale move; the message is for the user."""


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def can_move(shop_order: ShopOrder, to: str, role: str) -> bool:
    return role in TRANSITIONS.get((shop_order.status, to), ())


def first_status(payment_method: str) -> str:
    """Card and transfer orders wait for the money; cash on delivery for the cooperative."""
    return S.AWAITING_CONFIRMATION if payment_method == PaymentMethod.COD else S.PENDING_PAYMENT


def log_event(
    order_id: int,
    shop_order_id: int | None,
    actor: User | None,
    note: str = "",
    *,
    from_status: str | None = None,
    to_status: str | None = None,
) -> OrderEvent:
    event = OrderEvent(
        order_id=order_id,
        shop_order_id=shop_order_id,
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        note=note[:255],
        created_at=utcnow(),
    )
    db.session.add(event)
    return event


def transition(
    shop_order: ShopOrder, to: str, role: str, actor: User | None = None, note: str = ""
) -> None:
    """Move one shop order, checked against TRANSITIONS and logged; stale moves are refused."""
    source = shop_order.status
    if not can_move(shop_order, to, role):
        raise OrderStateError(
            _(
                "Order %(number)s cannot go from “%(source)s” to “%(target)s”.",
                number=shop_order.number,
                source=status_label(source),
                target=status_label(to),
            )
        )
    now = utcnow()
    moved = db.session.execute(
        sa.update(ShopOrder)
        .where(ShopOrder.id == shop_order.id, ShopOrder.status == source)
        .values(status=to, updated_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if moved != 1:
        raise OrderStateError(
            _("Order %(number)s was changed meanwhile; reload the page.", number=shop_order.number)
        )
    set_committed_value(shop_order, "status", to)
    set_committed_value(shop_order, "updated_at", now)
    if to in RESTOCK_ON:
        return_stock(shop_order)
    log_event(shop_order.order_id, shop_order.id, actor, note, from_status=source, to_status=to)


def return_stock(shop_order: ShopOrder, quantities: dict[int, int] | None = None) -> None:
    """Put bought units back on the shelf: every unrefunded unit, or {line id: qty}."""
    for line in shop_order.lines:
        qty = line.qty - line.refunded_qty if quantities is None else quantities.get(line.id, 0)
        if qty > 0 and line.product_id is not None:  # a deleted product has no shelf
            db.session.execute(
                sa.update(Product)
                .where(Product.id == line.product_id)
                .values(stock=Product.stock + qty),
                execution_options={"synchronize_session": False},
            )
