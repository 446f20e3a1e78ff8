"""Refunds after a transfer: the shop's share is taken back from the Stripe Connect transfer
that carried the money where Stripe allows; otherwise the negative balance is carried
forward to the next payout.
"""

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import AccountKind as K
from app.models import (
    LedgerTransaction,
    Payout,
    PayoutMethod,
    PayoutShopOrder,
    PayoutStatus,
    Refund,
    TransactionKind,
)
from app.payments import stripe_gateway
from app.payouts import ledger
from app.unit_of_work import commit_step


def reverse_transfer_for_refund(refund_id: int) -> int:
    """After a refund of money already transferred to a Connect account: take the shop's share
    back from that transfer where Stripe allows; otherwise the negative balance is carried
    forward to the next payout. Returns the amount reversed."""
    refund = db.session.get(Refund, refund_id)
    posted = db.session.scalar(
        sa.select(LedgerTransaction).where(LedgerTransaction.key == f"refund:{refund_id}")
    )
    if refund is None or posted is None or ledger.is_posted(f"reversal:{refund_id}"):
        return 0
    shop_share = -sum(
        entry.amount_vnd for entry in posted.entries if entry.account.shop_id is not None
    )
    payout = db.session.scalar(
        sa.select(Payout)
        .join(PayoutShopOrder, PayoutShopOrder.payout_id == Payout.id)
        .where(
            PayoutShopOrder.shop_order_id == refund.shop_order_id,
            Payout.method == PayoutMethod.STRIPE,
            Payout.status == PayoutStatus.PAID,
            Payout.stripe_transfer_id.is_not(None),
        )
        .order_by(Payout.id.desc())
    )
    if payout is None or shop_share <= 0:
        return 0
    amount = min(shop_share, payout.amount_vnd - payout.reversed_vnd)
    if amount <= 0:
        return 0
    transfer_id = payout.stripe_transfer_id
    commit_step("the refund is committed before Stripe is asked to reverse the transfer")
    try:
        stripe_gateway.reverse_transfer(
            transfer_id=transfer_id, amount_vnd=amount, reversal_key=f"refund-{refund_id}"
        )
    except stripe_gateway.GatewayError as error:
        current_app.logger.warning("Transfer %s not reversed: %s", transfer_id, error)
        return 0  # the refund stays on the shop's balance, netted at the next payout
    ledger.post(
        f"reversal:{refund_id}",
        TransactionKind.REVERSAL,
        {(payout.shop_id, K.PAID_OUT): -amount, (payout.shop_id, K.AVAILABLE): amount},
        shop_id=payout.shop_id,
        shop_order_id=refund.shop_order_id,
        refund_id=refund_id,
        payout_id=payout.id,
        memo=transfer_id,
    )
    payout.reversed_vnd += amount
    db.session.flush()
    return amount
