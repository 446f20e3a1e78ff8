"""Money in and out of orders: payments received, refunds, and the Stripe events already handled."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, UTCDateTime, utcnow
from app.models.orders import Order, OrderLine, ShopOrder


class Payment(db.Model):
    """Money received: a card charge, a bank transfer confirmed by staff, or COD cash."""

    __table_args__ = (
        sa.UniqueConstraint("method", "reference", name="uq_payment_method_reference"),
        sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order.id"), index=True)
    shop_order_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shop_order.id"))
    method: so.Mapped[str] = so.mapped_column(sa.String(20))
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    # The bank's transaction reference, the PaymentIntent id, or the shop order number for COD.
    reference: so.Mapped[str] = so.mapped_column(sa.String(120))
    confirmed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    order: so.Mapped[Order] = so.relationship()
    confirmed_by: so.Mapped[User | None] = so.relationship()


class RefundStatus(Codes):
    PENDING = "pending"  # sent to Stripe, answer not yet recorded
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    MANUAL = "manual"  # COD or bank transfer: the operator pays the buyer back by hand


class Refund(db.Model):
    """Money given back for one shop order: whole (cancel or full refund) or some lines."""

    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order.id"), index=True)
    shop_order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    shipping_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    # True when the shop order was cancelled: its stock went back at cancellation.
    on_cancel: so.Mapped[bool] = so.mapped_column(default=False)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=RefundStatus.PENDING)
    reason: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    stripe_refund_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    completed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    order: so.Mapped[Order] = so.relationship()
    shop_order: so.Mapped[ShopOrder] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
    lines: so.Mapped[list["RefundLine"]] = so.relationship(
        back_populates="refund", cascade="all, delete-orphan"
    )


class RefundLine(db.Model):
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    refund_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("refund.id"), index=True)
    order_line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order_line.id"))
    qty: so.Mapped[int]
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    refund: so.Mapped[Refund] = so.relationship(back_populates="lines")
    order_line: so.Mapped[OrderLine] = so.relationship()


class StripeEvent(db.Model):
    """A webhook event already handled, by Stripe's id: a replay is recognised and skipped."""

    id: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    type: so.Mapped[str] = so.mapped_column(sa.String(80))
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
