"""Money for orders: which methods are open, card payments, bank transfers, refunds (Stripe's
webhooks are applied in app.payments.stripe_events).

Stripe is reached only through stripe_gateway, and never while this module holds a database
transaction open: a refund is recorded (and its amount reserved) first, committed with
`commit_step`, sent, then settled. Everything else flushes; the caller's unit of work commits.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from app.extensions import db
from app.i18n import format_vnd
from app.models import (
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundLine,
    RefundStatus,
    Role,
    ShopOrder,
    ShopOrderStatus,
    User,
)
from app.models.base import utcnow
from app.orders import notifications
from app.orders.states import AFTER_DELIVERY, SYSTEM, log_event, return_stock, transition
from app.payments import banks, stripe_gateway, vietqr
from app.payouts import ledger
from app.shops.services import is_staff_of, require_shop_staff
from app.unit_of_work import commit_step, rollback
from app.validators import one_line


class PaymentError(ValueError):
    """A rule was broken; the message is for the user."""


# --- what the buyer may choose --------------------------------------------------------------


def bank_transfer_enabled() -> bool:
    config = current_app.config
    return bool(config.get("VIETQR_BANK_BIN") and config.get("VIETQR_ACCOUNT_NO"))


def available_methods() -> list[str]:
    """Cash on delivery always; bank transfer and card only when they are configured."""
    methods = [PaymentMethod.COD]
    if bank_transfer_enabled():
        methods.append(PaymentMethod.BANK_TRANSFER)
    if stripe_gateway.is_enabled():
        methods.append(PaymentMethod.CARD)
    return methods


def transfer_message(order_number: str) -> str:
    """The unique text the buyer types (or the QR fills in): "CHX-2026-000123" → "CHX2026000123"."""
    return vietqr.fold_message(order_number)


# --- bank transfer (VietQR) -----------------------------------------------------------------


@dataclass(frozen=True)
class TransferInstructions:
    bank_bin: str
    bank_name: str  # what the buyer looks for in the banking app, e.g. Vietcombank
    account_no: str
    account_name: str
    amount_vnd: int
    message: str
    payload: str
    svg: str
    demo: bool = False  # the development default account, which is not real


def transfer_instructions(order: Order) -> TransferInstructions | None:
    """What the buyer needs to pay by transfer: the VietQR code and the same data as text."""
    if order.payment_method != PaymentMethod.BANK_TRANSFER or not bank_transfer_enabled():
        return None
    config = current_app.config
    payload = vietqr.build_payload(
        bank_bin=config["VIETQR_BANK_BIN"],
        account_no=config["VIETQR_ACCOUNT_NO"],
        amount_vnd=order.total_vnd,
        message=order.transfer_message,
    )
    return TransferInstructions(
        bank_bin=config["VIETQR_BANK_BIN"],
        bank_name=banks.bank_name(config["VIETQR_BANK_BIN"]),
        account_no=config["VIETQR_ACCOUNT_NO"],
        account_name=config.get("VIETQR_ACCOUNT_NAME") or "",
        amount_vnd=order.total_vnd,
        message=order.transfer_message,
        payload=payload,
        svg=vietqr.qr_svg(payload, title=_("VietQR code for order %(n)s", n=order.number)),
        demo=bool(config.get("VIETQR_DEMO_ACCOUNT")),
    )


def may_confirm_transfer(user: User, order: Order) -> bool:
    """The operator, or staff of every cooperative in the order (the money is the whole order's)."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return user.role == Role.STAFF and all(is_staff_of(user, so.shop) for so in order.shop_orders)


def confirm_bank_transfer(user: User, order: Order, reference: str) -> None:
    """Staff or admin saw the money arrive: record the bank's reference and mark the order paid."""
    if not may_confirm_transfer(user, order):
        raise Forbidden(_("Only the marketplace operator may confirm this transfer."))
    reference = one_line(reference)
    if not 3 <= len(reference) <= 120:
        raise PaymentError(_("Enter the bank's transaction reference (3 to 120 characters)."))
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise PaymentError(_("This order is not paid by bank transfer."))
    if order.payment_status != PaymentStatus.UNPAID:
        raise PaymentError(_("This order is already paid."))
    if not any(s.status == ShopOrderStatus.PENDING_PAYMENT for s in order.shop_orders):
        raise PaymentError(_("This order was cancelled: send the money back to the buyer instead."))
    used = db.session.scalar(
        sa.select(Payment).where(
            Payment.method == PaymentMethod.BANK_TRANSFER, Payment.reference == reference
        )
    )
    if used is not None:
        raise PaymentError(
            _(
                "Reference %(ref)s was already used for order %(n)s.",
                ref=reference,
                n=used.order.number,
            )
        )
    try:
        mark_paid(order, PaymentMethod.BANK_TRANSFER, order.total_vnd, reference, user)
        db.session.flush()
    except IntegrityError as error:  # the same reference confirmed at the same moment
        rollback()  # the failed flush leaves nothing of this unit of work to keep
        raise PaymentError(_("This transfer was just confirmed by someone else.")) from error


def pending_transfers() -> list[Order]:
    """Unpaid, still open bank-transfer orders, oldest first (the operator's to-do list)."""
    return list(
        db.session.scalars(
            sa.select(Order)
            .where(
                Order.payment_method == PaymentMethod.BANK_TRANSFER,
                Order.payment_status == PaymentStatus.UNPAID,
                Order.shop_orders.any(ShopOrder.status == ShopOrderStatus.PENDING_PAYMENT),
            )
            .order_by(Order.created_at)
        )
    )


# --- payments received ------------------------------------------------------------------------


def mark_paid(
    order: Order, method: str, amount_vnd: int, reference: str, actor: User | None = None
) -> None:
    """Record the money and move every waiting shop order to paid.

    Each part's timeline names that part's own amount: the whole order's would read as if
    every cooperative had been paid all of it.
    """
    moved = []
    for shop_order in order.shop_orders:
        if shop_order.status == ShopOrderStatus.PENDING_PAYMENT:
            with force_locale(order.locale):  # notes speak the buyer's language, whoever acts
                note = _(
                    "Payment received: %(amount)s",
                    amount=format_vnd(shop_order.total_vnd, order.locale),
                )
            transition(shop_order, ShopOrderStatus.PAID, SYSTEM, actor, note)
            moved.append(shop_order)
    if moved:  # money for a cancelled order is refunded, not announced
        notifications.order_paid(order, moved, method, amount_vnd)
    order.payment_status = PaymentStatus.PAID
    order.paid_at = utcnow()
    order.payment_error = None
    db.session.add(
        Payment(
            order_id=order.id,
            method=method,
            amount_vnd=amount_vnd,
            reference=reference,
            confirmed_by_id=actor.id if actor is not None else None,
        )
    )


def record_cod_payment(shop_order: ShopOrder, actor: User | None) -> None:
    """Cash collected at delivery: one payment per shop order."""
    order = shop_order.order
    db.session.add(
        Payment(
            order_id=order.id,
            shop_order_id=shop_order.id,
            method=PaymentMethod.COD,
            amount_vnd=shop_order.total_vnd,
            reference=shop_order.number,
            confirmed_by_id=actor.id if actor is not None else None,
        )
    )
    open_parts = [s for s in order.shop_orders if s.status != ShopOrderStatus.CANCELLED]
    if all(s.status in AFTER_DELIVERY for s in open_parts):
        order.payment_status = PaymentStatus.PAID
        order.paid_at = utcnow()


# --- card payments ----------------------------------------------------------------------------


def ensure_payment_intent(order: Order) -> stripe_gateway.Intent:
    """The order's PaymentIntent, created on first need (idempotent, so a retry finds the same).

    Called after checkout has committed (an after-commit action) and when the buyer's card
    form asks for it by POST; never from a page that is only read.
    """
    if order.stripe_payment_intent_id:
        return stripe_gateway.retrieve_payment_intent(order.stripe_payment_intent_id)
    intent = stripe_gateway.create_payment_intent(
        order_number=order.number,
        amount_vnd=order.total_vnd,
        description=f"Chợ HTX {order.number}",
    )
    db.session.execute(
        sa.update(Order)
        .where(Order.id == order.id, Order.stripe_payment_intent_id.is_(None))
        .values(stripe_payment_intent_id=intent.id)
    )
    return intent


def create_intent_after_checkout(order_id: int) -> None:
    """The after-commit step of a card checkout: the intent exists when the buyer lands on
    the order page. Stripe being down changes nothing: the card form asks again."""
    order = db.session.get(Order, order_id)
    if order is None or not order.awaits_payment or not stripe_gateway.is_enabled():
        return
    try:
        ensure_payment_intent(order)
    except stripe_gateway.GatewayError:
        pass  # the order page's card form creates it on the buyer's next try


def release_payment_intent(order_id: int) -> None:
    """After an unpaid card order is cancelled or expired: cancel its intent, best effort
    (an after-commit action: the cancellation is in the database first)."""
    order = db.session.get(Order, order_id)
    if order is None:
        return
    if order.payment_method != PaymentMethod.CARD or not order.stripe_payment_intent_id:
        return
    if not stripe_gateway.is_enabled():
        return
    try:
        stripe_gateway.cancel_payment_intent(order.stripe_payment_intent_id)
    except stripe_gateway.GatewayError:
        pass  # an intent left open expires at Stripe; a late payment is refunded by the webhook


# --- refunds ----------------------------------------------------------------------------------


def record_refund(
    shop_order: ShopOrder,
    *,
    amount_vnd: int,
    reason: str,
    lines: dict[OrderLine, int] | None = None,
    shipping_vnd: int = 0,
    on_cancel: bool = False,
    actor: User | None = None,
) -> Refund:
    """Reserve a refund inside the caller's transaction.

    Card refunds stay pending until process_refund has Stripe's answer; other methods are paid
    back by hand, so their effects (stock, state) apply at once.
    """
    order = shop_order.order
    by_card = order.payment_method == PaymentMethod.CARD
    refund = Refund(
        order_id=order.id,
        shop_order=shop_order,
        amount_vnd=amount_vnd,
        shipping_vnd=shipping_vnd,
        on_cancel=on_cancel,
        status=RefundStatus.PENDING if by_card else RefundStatus.MANUAL,
        reason=reason[:255],
        created_by_id=actor.id if actor is not None and actor.is_authenticated else None,
    )
    for line, qty in (lines or {}).items():
        refund.lines.append(
            RefundLine(order_line=line, qty=qty, amount_vnd=line.unit_price_vnd * qty)
        )
    db.session.add(refund)
    reserve_refund(refund, +1)
    if not by_card:
        refund.completed_at = utcnow()
        _settle(refund, actor)
    return refund


def reserve_refund(refund: Refund, sign: int) -> None:
    refund.shop_order.refunded_vnd += sign * refund.amount_vnd
    refund.shop_order.order.refunded_vnd += sign * refund.amount_vnd
    for refund_line in refund.lines:
        refund_line.order_line.refunded_qty += sign * refund_line.qty


def _settle(refund: Refund, actor: User | None) -> None:
    """The money is on its way back: restock returned lines, move the state, log it."""
    shop_order, order = refund.shop_order, refund.shop_order.order
    with force_locale(order.locale):
        note = _(
            "Refund of %(amount)s: %(reason)s",
            amount=format_vnd(refund.amount_vnd, order.locale),
            reason=refund.reason,
        )
    if refund.on_cancel:
        log_event(order.id, shop_order.id, actor, note)
    else:
        return_stock(shop_order, {rl.order_line.id: rl.qty for rl in refund.lines})
        whole = all(line.refunded_qty == line.qty for line in shop_order.lines)
        target = ShopOrderStatus.REFUNDED if whole else ShopOrderStatus.PARTIALLY_REFUNDED
        transition(shop_order, target, SYSTEM, actor, note)
    book_refunded_money(refund, actor)


def book_refunded_money(refund: Refund, actor: User | None) -> None:
    """The ledger and the order's payment status follow a refund that has been paid back."""
    order = refund.shop_order.order
    ledger.post_refund(refund, actor)  # the shop gives its share back, net of commission
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_vnd), 0)).where(
            Payment.order_id == order.id
        )
    )
    if paid:
        order.payment_status = (
            PaymentStatus.REFUNDED
            if order.refunded_vnd >= paid
            else PaymentStatus.PARTIALLY_REFUNDED
        )


def process_refund(refund_id: int, actor: User | None = None) -> Refund:
    """Send a pending card refund to Stripe (outside any transaction), then settle or undo it."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.PENDING:
        return refund
    order = refund.order
    # A crash while Stripe works must leave a pending refund to retry, not money sent and
    # unrecorded; and no write lock may be held while we wait.
    commit_step("the pending refund is committed before Stripe is asked to send it")
    try:
        stripe_id = stripe_gateway.create_refund(
            intent_id=order.stripe_payment_intent_id,
            amount_vnd=refund.amount_vnd,
            refund_key=f"{order.number}-{refund.id}",
            order_number=order.number,
        )
    except stripe_gateway.GatewayError as error:
        if error.transient:
            # Stripe was unreachable or failed on its side: the refund stays pending (its
            # money reserved) and `flask payments retry-refunds` sends it again with the same
            # idempotency key, so it is paid exactly once whatever Stripe did meanwhile.
            refund.error = str(error)[:255]
            with force_locale(order.locale):
                note = _("Card refund delayed, it will be sent again: %(error)s", error=str(error))
            log_event(order.id, refund.shop_order_id, actor, note)
            db.session.flush()
            return refund
        reserve_refund(refund, -1)
        refund.status = RefundStatus.FAILED
        refund.error = str(error)[:255]
        with force_locale(order.locale):
            note = _("Card refund failed: %(error)s", error=str(error))
        log_event(order.id, refund.shop_order_id, actor, note)
        commit_step("Stripe refused: the failure stays recorded although the caller is refused")
        raise PaymentError(_("Stripe did not refund: %(error)s", error=str(error))) from error
    refund.status = RefundStatus.SUCCEEDED
    refund.stripe_refund_id = stripe_id
    refund.error = None
    refund.completed_at = utcnow()
    _settle(refund, actor)
    db.session.flush()
    return refund


def reopen_refund(user: User, refund: Refund) -> Refund:
    """A failed card refund made pending again (same amount and lines), to be sent again."""
    require_shop_staff(user, refund.shop_order.shop)
    if refund.status != RefundStatus.FAILED:
        raise PaymentError(_("Only a failed refund can be sent again."))
    shop_order = refund.shop_order
    if refund.amount_vnd > shop_order.total_vnd - shop_order.refunded_vnd:
        raise PaymentError(_("This amount was refunded meanwhile."))
    refund.status = RefundStatus.PENDING
    refund.error = None
    reserve_refund(refund, +1)
    db.session.flush()
    return refund


def delayed_refunds(older_than: timedelta = timedelta(0)) -> list[Refund]:
    """Card refunds still waiting for Stripe's answer (it was unreachable, or the process
    sending them died), oldest first: what `flask payments retry-refunds` sends again."""
    return db.session.scalars(
        sa.select(Refund)
        .where(Refund.status == RefundStatus.PENDING, Refund.created_at <= utcnow() - older_than)
        .order_by(Refund.id)
    ).all()
