"""Orders after checkout: who may see what, what buyers and staff may do, refunds, expiry.

Each public function checks permission itself (never only the template): staff act through
require_shop_staff, buyers only on their own orders. They flush; the request, command or job
commits (app.unit_of_work), and a card refund is committed in steps around its Stripe call.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from app.extensions import db
from app.models import (
    Order,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    ShippingRate,
    Shop,
    ShopOrder,
    User,
)
from app.models import ShopOrderStatus as S
from app.models.base import utcnow
from app.orders import notifications
from app.orders.states import (
    BUYER,
    REFUNDABLE,
    STAFF,
    SYSTEM,
    OrderStateError,
    can_move,
    transition,
)
from app.payments import services as payments
from app.payments.received import money_received
from app.payouts import ledger
from app.payouts import services as payouts
from app.shops.services import require_shop_staff
from app.unit_of_work import after_commit, commit_step, rollback
from app.validators import one_line

MAX_FEE_VND = 10_000_000


# --- finding orders -------------------------------------------------------------------------


def order_by_number(number: str) -> Order | None:
    return db.session.scalar(
        sa.select(Order)
        .where(Order.number == number)
        .options(so.selectinload(Order.shop_orders).selectinload(ShopOrder.lines))
    )


def order_for_buyer(user: User, number: str) -> Order:
    """The buyer's own order (the operator may open any); others get a 404, not a hint."""
    order = order_by_number(number)
    if order is None or not (order.buyer_id == user.id or user.is_admin):
        raise NotFound()
    return order


def buyer_orders_query(user: User) -> sa.Select:
    return (
        sa.select(Order)
        .where(Order.buyer_id == user.id)
        .options(so.selectinload(Order.shop_orders))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )


def staff_orders_query(shop: Shop, status: str | None = None, q: str | None = None) -> sa.Select:
    """A cooperative's shop orders, newest first, by status and by number, name or phone."""
    query = (
        sa.select(ShopOrder)
        .join(ShopOrder.order)
        .where(ShopOrder.shop_id == shop.id)
        .options(
            so.contains_eager(ShopOrder.order).joinedload(Order.province),
            so.selectinload(ShopOrder.lines),
        )
        .order_by(ShopOrder.created_at.desc(), ShopOrder.id.desc())
    )
    if status in S.ALL:
        query = query.where(ShopOrder.status == status)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            sa.or_(
                ShopOrder.number.ilike(pattern),
                Order.contact_name.ilike(pattern),
                Order.phone.ilike(pattern),
            )
        )
    return query


def shop_order_for_staff(user: User, shop: Shop, number: str) -> ShopOrder:
    """One of this shop's orders for its staff; another shop's order is not found."""
    require_shop_staff(user, shop)
    shop_order = db.session.scalar(
        sa.select(ShopOrder).where(ShopOrder.number == number, ShopOrder.shop_id == shop.id)
    )
    if shop_order is None:
        raise NotFound()
    return shop_order


def timeline(order: Order, shop_order: ShopOrder | None = None) -> list:
    """Events of the whole order, or of one shop order plus the order-wide ones."""
    if shop_order is None:
        return list(order.events)
    return [e for e in order.events if e.shop_order_id in (None, shop_order.id)]


# --- buyers ---------------------------------------------------------------------------------


def buyer_may_cancel(order: Order, shop_order: ShopOrder) -> bool:
    if order.is_overdue:
        return False  # expired: nothing left to cancel
    if order.awaits_payment:
        return shop_order.status == S.PENDING_PAYMENT
    return can_move(shop_order, S.CANCELLED, BUYER)


def buyer_cancel(user: User, order: Order, shop_order_id: int | None = None) -> list[ShopOrder]:
    """Cancel while not yet packed: an unpaid card/transfer order goes whole, else one shop's part."""
    if order.buyer_id != user.id:
        raise Forbidden()
    if order.awaits_payment:
        targets = [s for s in order.shop_orders if s.status == S.PENDING_PAYMENT]
    else:
        targets = [s for s in order.shop_orders if s.id == shop_order_id]
        if not targets:
            raise OrderStateError(_("Choose which cooperative's part to cancel."))
    if not all(buyer_may_cancel(order, s) for s in targets):
        raise OrderStateError(
            _("This part is already packed: ask the cooperative instead of cancelling.")
        )
    with force_locale(order.locale):  # the timeline speaks the buyer's language
        reason = _("Cancelled by the buyer")
    return _cancel(targets, BUYER, user, reason)


def _cancel(targets: list[ShopOrder], role: str, actor: User | None, reason: str):
    refunds = []
    for shop_order in targets:
        paid = money_received(shop_order)
        transition(shop_order, S.CANCELLED, role, actor, reason)
        shop_order.cancel_reason = reason[:255]
        if role == BUYER:
            notifications.cancelled_by_buyer(shop_order)
        else:
            notifications.cancelled_by_staff(shop_order, reason, paid)
        owed = shop_order.total_vnd - shop_order.refunded_vnd
        if paid and owed > 0:
            refunds.append(
                payments.record_refund(
                    shop_order, amount_vnd=owed, reason=reason, on_cancel=True, actor=actor
                )
            )
    db.session.flush()
    order = targets[0].order
    if all(s.status == S.CANCELLED for s in order.shop_orders):
        after_commit(payments.release_payment_intent, order.id)
    for record in refunds:
        send_refund(record, actor)
    return targets


def send_refund(refund: Refund, actor: User | None = None) -> Refund:
    """Pay a recorded refund back: the one way a first refund and a retried one go out.

    A card refund goes to Stripe (committed in steps around the call; PaymentError when
    Stripe refuses), and once the refund has committed, the cooperative's share is taken
    back from a Stripe Connect transfer that already carried the money, where there is one.
    Cash and transfer refunds were settled when recorded.
    """
    if refund.status == RefundStatus.PENDING:
        refund = payments.process_refund(refund.id, actor)
    after_commit(payouts.reverse_transfer_for_refund, refund.id)
    return refund


def retry_refund(user: User, refund: Refund) -> Refund:
    """Send a failed card refund again (same amount and lines), as the first one went."""
    return send_refund(payments.reopen_refund(user, refund), user)


# --- staff ----------------------------------------------------------------------------------


# Moves the buyer hears of (the mail leaves once the move has committed).
BUYER_IS_TOLD = {
    S.SHIPPED: notifications.shop_order_shipped,
    S.DELIVERED: notifications.shop_order_delivered,
}


def _staff_move(user: User, shop_order: ShopOrder, to: str, note: str = "") -> None:
    require_shop_staff(user, shop_order.shop)
    transition(shop_order, to, STAFF, user, note)
    if to == S.DELIVERED and shop_order.order.payment_method == PaymentMethod.COD:
        payments.record_cod_payment(shop_order, user)
    if to == S.DELIVERED:
        ledger.post_sale(shop_order, user)  # pending until the return window ends
    if to in BUYER_IS_TOLD:
        BUYER_IS_TOLD[to](shop_order)
    db.session.flush()


def pack(user: User, shop_order: ShopOrder) -> None:
    _staff_move(user, shop_order, S.PACKED)


def ship(user: User, shop_order: ShopOrder, carrier: str, tracking_number: str) -> None:
    """Hand the parcel to a carrier: both the carrier and its tracking number are required."""
    require_shop_staff(user, shop_order.shop)
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise OrderStateError(_("Enter the carrier and the tracking number."))
    if len(carrier) > 80 or len(tracking_number) > 80:
        raise OrderStateError(_("The carrier and the tracking number have 80 characters at most."))
    shop_order.carrier, shop_order.tracking_number = carrier, tracking_number
    _staff_move(user, shop_order, S.SHIPPED, f"{carrier} {tracking_number}")


def deliver(user: User, shop_order: ShopOrder) -> None:
    _staff_move(user, shop_order, S.DELIVERED)


def complete(user: User, shop_order: ShopOrder) -> None:
    _staff_move(user, shop_order, S.COMPLETED)


def staff_cancel(user: User, shop_order: ShopOrder, reason: str) -> None:
    """Cancel with a reason the buyer sees; money already paid goes back."""
    require_shop_staff(user, shop_order.shop)
    reason = one_line(reason)
    if not reason:
        raise OrderStateError(_("Say why the order is cancelled: the buyer will read it."))
    if shop_order.order.awaits_payment or shop_order.order.is_overdue:
        raise OrderStateError(
            _("The buyer has not paid yet: the order is cancelled by itself if nobody pays.")
        )
    _cancel([shop_order], STAFF, user, reason[:255])


def refund(
    user: User, shop_order: ShopOrder, quantities: dict[int, int] | None, reason: str
) -> Refund:
    """Refund the whole shop order (quantities None: every line left, and shipping) or some lines.

    Returned lines go back into stock. Card refunds go through Stripe; cash and transfer
    refunds are recorded for the operator to pay back by hand.
    """
    require_shop_staff(user, shop_order.shop)
    reason = one_line(reason)[:255]
    if not reason:
        raise OrderStateError(_("Say why you refund: the buyer will read it."))
    if shop_order.status not in REFUNDABLE:
        raise OrderStateError(
            _("Refunds are for shipped orders; cancel an order that has not left yet.")
        )
    if not money_received(shop_order):
        raise OrderStateError(_("Nothing has been paid for this order yet."))
    lines: dict[OrderLine, int] = {}
    shipping = 0
    if quantities is None:
        lines = {line: line.qty - line.refunded_qty for line in shop_order.lines}
        lines = {line: qty for line, qty in lines.items() if qty > 0}
        shipping = shop_order.shipping_vnd - _shipping_refunded(shop_order)
    else:
        by_id = {line.id: line for line in shop_order.lines}
        for line_id, qty in quantities.items():
            line = by_id.get(line_id)
            if line is None or qty < 0 or qty > line.qty - line.refunded_qty:
                raise OrderStateError(_("Refund at most the units bought and not yet refunded."))
            if qty:
                lines[line] = qty
        if not lines:
            raise OrderStateError(_("Choose at least one unit to refund."))
    amount = sum(line.unit_price_vnd * qty for line, qty in lines.items()) + shipping
    left = shop_order.total_vnd - shop_order.refunded_vnd
    if quantities is None:  # everything: what is left, after refunds of money only
        amount = min(amount, left)
    if amount <= 0 or amount > left:
        raise OrderStateError(_("There is nothing left to refund on this order."))
    record = payments.record_refund(
        shop_order,
        amount_vnd=amount,
        reason=reason,
        lines=lines,
        shipping_vnd=shipping,
        actor=user,
    )
    notifications.refunded(shop_order, record)
    db.session.flush()
    return send_refund(record, user)


def _shipping_refunded(shop_order: ShopOrder) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.shipping_vnd), 0)).where(
            Refund.shop_order_id == shop_order.id, Refund.status != RefundStatus.FAILED
        )
    )


def refunds_of(shop_order: ShopOrder) -> list[Refund]:
    return list(
        db.session.scalars(
            sa.select(Refund).where(Refund.shop_order_id == shop_order.id).order_by(Refund.id)
        )
    )


# --- shipping fees --------------------------------------------------------------------------


def set_shipping_rate(user: User, shop: Shop, fee_vnd: int, free_above_vnd: int | None) -> None:
    """A shop's flat fee per shop order and, optionally, the order value from which it is free."""
    require_shop_staff(user, shop)
    if not 0 <= fee_vnd <= MAX_FEE_VND:
        raise OrderStateError(_("The fee must be between 0 and 10,000,000 đồng."))
    if free_above_vnd is not None and free_above_vnd <= 0:
        raise OrderStateError(_("Free shipping starts at a positive amount, or leave it empty."))
    rate = db.session.get(ShippingRate, shop.id) or ShippingRate(shop_id=shop.id)
    rate.fee_vnd, rate.free_above_vnd = fee_vnd, free_above_vnd
    db.session.add(rate)
    db.session.flush()


# --- expiry ---------------------------------------------------------------------------------


def expire_unpaid_orders(now=None) -> int:
    """Cancel card and transfer orders not paid by their deadline; their stock goes back.

    The scheduled job behind `flask orders expire` (run it every minute from cron, or from
    RQ's scheduler); pages never expire anything, they read an overdue order as expired
    (Order.is_overdue). One order at a time: an order paid at the same moment keeps its
    payment (the status compare-and-set lets only one of the two win) and the others still
    expire. Returns how many were expired.
    """
    now = now or utcnow()
    ids = db.session.scalars(
        sa.select(Order.id).where(
            Order.payment_status == PaymentStatus.UNPAID,
            Order.payment_method.in_(PaymentMethod.PREPAID),
            Order.expires_at <= now,
            Order.shop_orders.any(ShopOrder.status == S.PENDING_PAYMENT),
        )
    ).all()
    expired = 0
    for order_id in ids:
        if _expire(db.session.get(Order, order_id)):
            expired += 1
    return expired


def _expire(order: Order) -> bool:
    with force_locale(order.locale):
        reason = _("Not paid in time")
    try:
        for shop_order in order.shop_orders:
            if shop_order.status == S.PENDING_PAYMENT:
                transition(shop_order, S.CANCELLED, SYSTEM, None, reason)
                shop_order.cancel_reason = reason
        notifications.order_expired(order)
    except OrderStateError:
        rollback()  # paid or cancelled meanwhile: this order's half-done moves go
        return False
    after_commit(payments.release_payment_intent, order.id)
    commit_step("each order expires on its own: one paid meanwhile must not undo the others")
    return True
