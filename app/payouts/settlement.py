"""A payout's end: sent by Stripe Connect, or marked paid or failed by the operator for a
bank transfer. A failed payout puts its money back on the shop's available balance.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.accounts.permissions import require_admin
from app.extensions import db
from app.models import AccountKind as K
from app.models import Payout, PayoutMethod, PayoutStatus, Shop, TransactionKind, User
from app.models.base import utcnow
from app.notifications.services import notify, shop_params, staff_of
from app.payments import stripe_gateway
from app.payouts import ledger
from app.payouts.errors import PayoutError
from app.unit_of_work import commit_step
from app.validators import one_line


def send_transfer(payout_id: int) -> Payout:
    """Send a Stripe payout (outside any transaction); paid on success, failed otherwise."""
    payout = db.session.get(Payout, payout_id)
    if payout is None or payout.method != PayoutMethod.STRIPE:
        return payout
    if payout.status != PayoutStatus.PENDING or payout.stripe_transfer_id:
        return payout
    commit_step("the pending payout is committed before Stripe is asked to transfer it")
    try:
        transfer_id = stripe_gateway.create_transfer(
            payout_key=str(payout.id),
            amount_vnd=payout.amount_vnd,
            destination=payout.stripe_account_id,
            transfer_group=payout.transfer_group or f"PO{payout.id}",
            description=f"Chợ HTX payout {payout.id}",
        )
    except stripe_gateway.GatewayError as error:
        _fail(payout, str(error), None)
        db.session.flush()
        return payout
    payout.stripe_transfer_id = transfer_id
    payout.reference = transfer_id
    payout.status = PayoutStatus.PAID
    payout.completed_at = utcnow()
    _tell_payout_sent(payout)
    db.session.flush()
    return payout


def _tell_payout_sent(payout: Payout) -> None:
    shop = db.session.get(Shop, payout.shop_id)
    notify(
        staff_of(shop),
        "payout_sent",
        slug=shop.slug,
        shop=shop_params(shop),
        amount_vnd=payout.amount_vnd,
        reference=payout.reference or "",
    )


def resume_interrupted_transfers() -> list[Payout]:
    """Send the Stripe payouts an earlier run wrote but did not finish sending (its process
    was killed, or Stripe did not answer). Their money left the available balance when they
    were written, so a new run never pays them again; the transfer's idempotency key makes
    Stripe answer with the transfer it may already have made, never a second one."""
    waiting = db.session.scalars(
        sa.select(Payout.id)
        .where(
            Payout.method == PayoutMethod.STRIPE,
            Payout.status == PayoutStatus.PENDING,
            Payout.stripe_transfer_id.is_(None),
        )
        .order_by(Payout.id)
    ).all()
    return [send_transfer(payout_id) for payout_id in waiting]


def _fail(payout: Payout, reason: str, actor: User | None) -> None:
    payout.status = PayoutStatus.FAILED
    payout.failure_reason = reason[:255]
    payout.completed_at = utcnow()
    payout.completed_by_id = actor.id if actor is not None else None
    ledger.post(
        f"payout_failed:{payout.id}",
        TransactionKind.PAYOUT_FAILED,
        {
            (payout.shop_id, K.PAID_OUT): -payout.amount_vnd,
            (payout.shop_id, K.AVAILABLE): payout.amount_vnd,
        },
        shop_id=payout.shop_id,
        payout_id=payout.id,
        actor=actor,
        memo=reason,
    )


def mark_paid(user: User, payout: Payout, reference: str) -> None:
    """The operator saw the bank transfer go out: keep the bank's reference."""
    require_admin(user)
    reference = one_line(reference)
    if not 3 <= len(reference) <= 120:
        raise PayoutError(_("Enter the bank's transaction reference (3 to 120 characters)."))
    if payout.status != PayoutStatus.PENDING or payout.method != PayoutMethod.BANK:
        raise PayoutError(_("Only a waiting bank payout can be marked paid."))
    payout.status = PayoutStatus.PAID
    payout.reference = reference
    payout.completed_at = utcnow()
    payout.completed_by_id = user.id
    audit.record(
        "payout.paid", payout, actor=user, reference=reference, amount_vnd=payout.amount_vnd
    )
    _tell_payout_sent(payout)
    db.session.flush()


def mark_failed(user: User, payout: Payout, reason: str) -> None:
    """The bank sent the money back (or it never left): it returns to the shop's balance."""
    require_admin(user)
    reason = one_line(reason)
    if not reason:
        raise PayoutError(_("Say why the payout failed."))
    if payout.status != PayoutStatus.PENDING:
        raise PayoutError(_("Only a waiting payout can be marked failed."))
    _fail(payout, reason, user)
    audit.record("payout.failed", payout, actor=user, reason=reason, amount_vnd=payout.amount_vnd)
    db.session.flush()


def payout_by_id(payout_id: int) -> Payout | None:
    return db.session.get(Payout, payout_id)
