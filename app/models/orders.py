"""Carts and orders: one Order per checkout, one ShopOrder per cooperative, lines copied at purchase."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, UTCDateTime, utcnow
from app.models.catalog import Product
from app.models.reference import Province
from app.models.shops import Shop


class PaymentMethod(Codes):
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"


# Paid before packing, so unpaid ones expire.
PaymentMethod.PREPAID = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD)


class PaymentStatus(Codes):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class ShopOrderStatus(Codes):
    PENDING_PAYMENT = "pending_payment"
    # Cash on delivery: nothing to pay yet, the cooperative has to accept the order.
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    PAID = "paid"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class CartItem(db.Model):
    """A signed-in buyer's cart line; guests keep theirs in the session until they sign in."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "product_id", name="uq_cart_item_user_product"),
        sa.CheckConstraint("qty > 0", name="qty_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    qty: so.Mapped[int]
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Added from a fair's page: the sale counts for that fair (see app/fairs).
    fair_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("fair.id", ondelete="SET NULL"))

    product: so.Mapped[Product] = so.relationship()


class ShippingRate(db.Model):
    """A shop's flat fee per shop order, free from a threshold it sets (config gives defaults)."""

    __table_args__ = (
        sa.CheckConstraint("fee_vnd >= 0", name="fee_not_negative"),
        sa.CheckConstraint("free_above_vnd IS NULL OR free_above_vnd > 0", name="free_positive"),
    )

    shop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    fee_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    free_above_vnd: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Order(db.Model):
    """What the buyer sees and pays once, whatever the number of cooperatives."""

    __table_args__ = (
        sa.CheckConstraint("total_vnd = items_vnd + shipping_vnd", name="total_adds_up"),
        sa.CheckConstraint("items_vnd > 0 AND shipping_vnd >= 0", name="amounts_valid"),
        sa.CheckConstraint("refunded_vnd >= 0 AND refunded_vnd <= total_vnd", name="refund_range"),
        sa.Index("ix_order_unpaid_expiry", "payment_status", "expires_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    buyer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    locale: so.Mapped[str] = so.mapped_column(sa.String(5))
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    phone: so.Mapped[str] = so.mapped_column(sa.String(20))
    address: so.Mapped[str] = so.mapped_column(sa.String(255))
    commune: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    province_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("province.id"))
    payment_method: so.Mapped[str] = so.mapped_column(sa.String(20))
    payment_status: so.Mapped[str] = so.mapped_column(sa.String(20), default=PaymentStatus.UNPAID)
    items_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    shipping_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    total_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    refunded_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    transfer_message: so.Mapped[str | None] = so.mapped_column(sa.String(25), unique=True)
    stripe_payment_intent_id: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    payment_error: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    paid_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    buyer: so.Mapped[User] = so.relationship()
    province: so.Mapped[Province] = so.relationship()
    shop_orders: so.Mapped[list["ShopOrder"]] = so.relationship(
        back_populates="order", order_by="ShopOrder.id"
    )
    events: so.Mapped[list["OrderEvent"]] = so.relationship(
        back_populates="order", order_by="OrderEvent.id"
    )

    @property
    def is_prepaid(self) -> bool:
        return self.payment_method in PaymentMethod.PREPAID

    @property
    def is_overdue(self) -> bool:
        """Unpaid past its deadline: expired, whether or not `flask orders expire` has run yet.

        Pages read it so that nothing is offered on an order the job is about to cancel; the
        job (never a page) writes the cancellation and puts the stock back.
        """
        return (
            self.is_prepaid
            and self.payment_status == PaymentStatus.UNPAID
            and self.expires_at is not None
            and self.expires_at <= utcnow()
            and any(s.status == ShopOrderStatus.PENDING_PAYMENT for s in self.shop_orders)
        )

    @property
    def awaits_payment(self) -> bool:
        """A card or transfer order whose money has not arrived and that is still open."""
        return (
            self.is_prepaid
            and self.payment_status == PaymentStatus.UNPAID
            and any(s.status == ShopOrderStatus.PENDING_PAYMENT for s in self.shop_orders)
            and not self.is_overdue
        )

    @property
    def buyer_pays_vnd(self) -> int:
        """What the buyer pays or paid in the end: refunds and parts cancelled unpaid left out.

        A cancelled part that was paid for counts until its refund is booked (a card refund
        that failed still holds the buyer's money).
        """
        unpaid = self.payment_method == PaymentMethod.COD or (
            self.payment_status == PaymentStatus.UNPAID
        )
        return sum(
            part.total_vnd - part.refunded_vnd
            for part in self.shop_orders
            if not (part.status == ShopOrderStatus.CANCELLED and unpaid)
        )

    def __repr__(self) -> str:
        return f"<Order {self.number}>"


class ShopOrder(db.Model):
    """One cooperative's part of an order, with its own state machine (see app/orders/states.py)."""

    __table_args__ = (
        sa.CheckConstraint("total_vnd = items_vnd + shipping_vnd", name="total_adds_up"),
        sa.CheckConstraint("refunded_vnd >= 0 AND refunded_vnd <= total_vnd", name="refund_range"),
        sa.Index("ix_shop_order_shop_status", "shop_id", "status", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order.id"), index=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"))
    shop_name_vi: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    shop_name_en: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    status: so.Mapped[str] = so.mapped_column(
        sa.String(24), default=ShopOrderStatus.PENDING_PAYMENT
    )
    items_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    shipping_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    total_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    refunded_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    carrier: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    tracking_number: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    commission_bps: so.Mapped[int | None]  # the shop's rate at checkout (lines may differ)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    order: so.Mapped[Order] = so.relationship(back_populates="shop_orders")
    shop: so.Mapped[Shop] = so.relationship()
    lines: so.Mapped[list["OrderLine"]] = so.relationship(
        back_populates="shop_order", order_by="OrderLine.id"
    )
    events: so.Mapped[list["OrderEvent"]] = so.relationship(
        back_populates="shop_order", order_by="OrderEvent.id", viewonly=True
    )

    @property
    def shown_status(self) -> str:
        """The status a page shows: an overdue unpaid part reads as cancelled before the
        expiry job has written it so (pages never write)."""
        if self.status == ShopOrderStatus.PENDING_PAYMENT and self.order.is_overdue:
            return ShopOrderStatus.CANCELLED
        return self.status

    def __repr__(self) -> str:
        return f"<ShopOrder {self.number} {self.status}>"


class OrderLine(db.Model):
    """A product as bought: name, price and shop are copied so later edits change nothing."""

    __table_args__ = (
        sa.CheckConstraint("qty > 0", name="qty_positive"),
        sa.CheckConstraint("unit_price_vnd > 0", name="price_positive"),
        sa.CheckConstraint("refunded_qty >= 0 AND refunded_qty <= qty", name="refund_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    product_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"))
    sku: so.Mapped[str] = so.mapped_column(sa.String(64))
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    unit_vi: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    unit_en: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    unit_price_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    qty: so.Mapped[int]
    refunded_qty: so.Mapped[int] = so.mapped_column(default=0)
    fair_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("fair.id", ondelete="SET NULL"), index=True
    )
    commission_bps: so.Mapped[int | None]  # snapshot at checkout: category, shop or default

    shop_order: so.Mapped[ShopOrder] = so.relationship(back_populates="lines")

    @property
    def total_vnd(self) -> int:
        return self.unit_price_vnd * self.qty


class OrderEvent(db.Model):
    """The timeline: every state change (who, when, from, to) and notes such as a failed payment."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("order.id"), index=True)
    shop_order_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("shop_order.id"), index=True
    )
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    to_status: so.Mapped[str | None] = so.mapped_column(sa.String(24))
    note: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    order: so.Mapped[Order] = so.relationship(back_populates="events")
    shop_order: so.Mapped[ShopOrder | None] = so.relationship()
    actor: so.Mapped[User | None] = so.relationship()
