"""Stripe's webhooks: each verified event applied exactly once (its id stored in the same
transaction): a card payment succeeded or failed, a refund made in the Stripe dashboard, a
connected account's payout status.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import format_vnd
from app.models import (
    Order,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    Shop,
    ShopOrder,
    ShopOrderStatus,
    StripeEvent,
)
from app.models.base import utcnow
from app.orders.states import log_event
from app.payments.services import (
    PaymentError,
    book_refunded_money,
    mark_paid,
    process_refund,
    record_refund,
    reserve_refund,
)
from app.unit_of_work import rollback


def handle_stripe_event(event: dict) -> str:
    """Apply a verified event exactly once (its id is stored in the same transaction).

    Returns what happened, for the log. Unknown types are stored and ignored.
    """
    db.session.add(StripeEvent(id=str(event["id"])[:255], type=str(event["type"])[:80]))
    try:
        db.session.flush()
    except IntegrityError:
        rollback()  # the failed flush leaves nothing to keep: the event was applied before
        return "duplicate"
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    obj = obj if isinstance(obj, dict) else {}
    handler = WEBHOOK_HANDLERS.get(event["type"])
    to_refund: list[int] = []
    outcome = handler(obj, to_refund) if handler else "ignored"
    db.session.flush()
    for refund_id in to_refund:  # money that came after the order closed goes straight back
        try:
            process_refund(refund_id)  # commits the event with the refund it records
        except PaymentError as error:
            current_app.logger.error("Refund %s of a late payment failed: %s", refund_id, error)
    return outcome


def _order_for_intent(intent: dict) -> Order | None:
    number = (intent.get("metadata") or {}).get("order_number")
    order = None
    if number:
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
    if order is None and intent.get("id"):
        order = db.session.scalar(
            sa.select(Order).where(Order.stripe_payment_intent_id == intent["id"])
        )
    return order


def _on_intent_succeeded(intent: dict, to_refund: list[int]) -> str:
    order = _order_for_intent(intent)
    if order is None or order.payment_method != PaymentMethod.CARD:
        return "unknown order"
    if order.stripe_payment_intent_id is None:  # the event beat our own save of the id
        order.stripe_payment_intent_id = intent["id"]
    elif order.stripe_payment_intent_id != intent["id"]:
        return "other intent"
    if order.payment_status != PaymentStatus.UNPAID:
        return "already paid"
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    if amount != order.total_vnd:
        with force_locale(order.locale):
            note = _(
                "A card payment of %(amount)s does not match the order total: check it in Stripe.",
                amount=format_vnd(amount, order.locale),
            )
        log_event(order.id, None, None, note)
        current_app.logger.error("Order %s: card amount %s != total", order.number, amount)
        return "amount mismatch"
    still_open = any(s.status == ShopOrderStatus.PENDING_PAYMENT for s in order.shop_orders)
    mark_paid(order, PaymentMethod.CARD, amount, intent["id"])
    if still_open:
        return "paid"
    # Cancelled or expired before the money arrived: record it, then pay it all back.
    with force_locale(order.locale):
        reason = _("Paid after the order was cancelled")
    for shop_order in order.shop_orders:
        refund = record_refund(
            shop_order,
            amount_vnd=shop_order.total_vnd,
            reason=reason,
            on_cancel=True,
        )
        db.session.flush()
        to_refund.append(refund.id)
    return "refunding late payment"


def _on_intent_failed(intent: dict, to_refund: list[int]) -> str:
    order = _order_for_intent(intent)
    if order is None or order.payment_status != PaymentStatus.UNPAID:
        return "ignored"  # e.g. an earlier attempt's failure arriving after the success
    with force_locale(order.locale):
        error = (intent.get("last_payment_error") or {}).get("message") or _(
            "The card was declined."
        )
        note = _("Card payment failed: %(error)s", error=error)
    order.payment_error = str(error)[:255]
    log_event(order.id, None, None, note)
    return "failed"


def _on_charge_refunded(charge: dict, to_refund: list[int]) -> str:
    order = _order_for_intent(
        {"id": charge.get("payment_intent"), "metadata": charge.get("metadata")}
    )
    if order is None:
        return "unknown order"
    # One refund event at a time per order (a row lock on PostgreSQL; SQLite writes one at a
    # time anyway), read afresh: each sees what the one before it booked.
    db.session.refresh(order, with_for_update=True)
    ours = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount_vnd), 0)).where(
            Refund.order_id == order.id,
            Refund.status.in_((RefundStatus.PENDING, RefundStatus.SUCCEEDED)),
        )
    )
    outside = int(charge.get("amount_refunded") or 0) - int(ours)
    if outside > 0:  # refunded in the Stripe dashboard: booked, and staff are told
        with force_locale(order.locale):
            note = _(
                "%(amount)s was refunded outside Chợ HTX (in Stripe).",
                amount=format_vnd(outside, order.locale),
            )
        book_outside_refund(order, outside, note)
        log_event(order.id, None, None, note)
        return "refund outside"
    return "refund known"


def book_outside_refund(order: Order, amount: int, reason: str) -> None:
    """Money refunded in the Stripe dashboard, booked as refunds of money only: split over
    the shop orders with money left, in proportion to it, so that what is left to refund and
    each cooperative's balance follow. Stock and states stay: staff decide what it means."""
    shop_orders = [
        s
        for s in db.session.scalars(
            sa.select(ShopOrder)
            .where(ShopOrder.order_id == order.id)
            .order_by(ShopOrder.id)
            .execution_options(populate_existing=True)  # as committed, not as first loaded
        )
        if s.total_vnd > s.refunded_vnd
    ]
    shares = split_in_proportion(amount, [s.total_vnd - s.refunded_vnd for s in shop_orders])
    for shop_order, share in zip(shop_orders, shares, strict=True):
        if share <= 0:
            continue
        refund = Refund(
            order_id=order.id,
            shop_order=shop_order,
            amount_vnd=share,
            status=RefundStatus.SUCCEEDED,
            reason=reason[:255],
            completed_at=utcnow(),
        )
        db.session.add(refund)
        reserve_refund(refund, +1)
        book_refunded_money(refund, None)


def split_in_proportion(amount: int, weights: list[int]) -> list[int]:
    """`amount` (at most sum(weights)) in whole đồng shared by weight; the remainder goes to
    the largest fractions, so the parts add up exactly."""
    total = sum(weights)
    amount = min(amount, total)
    if total <= 0:
        return [0] * len(weights)
    parts = [amount * w // total for w in weights]
    by_fraction = sorted(range(len(weights)), key=lambda i: -(amount * weights[i] % total))
    for i in by_fraction[: amount - sum(parts)]:
        parts[i] += 1
    return parts


def _on_account_updated(account: dict, to_refund: list[int]) -> str:
    """A cooperative's Connect account changed: payouts follow its payouts_enabled."""
    shop = db.session.scalar(sa.select(Shop).where(Shop.stripe_account_id == account.get("id")))
    if shop is None:
        return "unknown account"
    shop.stripe_payouts_enabled = bool(account.get("payouts_enabled"))
    return "account updated"


WEBHOOK_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
    "account.updated": _on_account_updated,
}
