"""When the buyer's money for a shop order has reached the marketplace: one rule, in Python for
one shop order (may cancelling or refunding it give money back?) and in SQL for many (which
sales may the ledger release for payout?).

Card and transfer orders are paid before they ship: their money is in once the order's
payment status says so. Cash on delivery is in the cooperative's hands from delivery on; the
cash is recorded as a Payment in the same transaction that marks the shop order delivered
(orders.services), so the state is the fact both forms read.
"""

import sqlalchemy as sa

from app.models import Order, PaymentMethod, PaymentStatus, ShopOrder
from app.orders.states import AFTER_DELIVERY


def money_received(shop_order: ShopOrder) -> bool:
    """Has the buyer paid for this shop order (so that cancelling or refunding returns money)?"""
    order = shop_order.order
    if order.payment_method == PaymentMethod.COD:
        return shop_order.status in AFTER_DELIVERY
    return order.payment_status != PaymentStatus.UNPAID


def money_received_clause():
    """The same rule as SQL over ShopOrder joined to its Order."""
    return sa.or_(
        sa.and_(Order.payment_method == PaymentMethod.COD, ShopOrder.status.in_(AFTER_DELIVERY)),
        sa.and_(
            Order.payment_method != PaymentMethod.COD,
            Order.payment_status != PaymentStatus.UNPAID,
        ),
    )
