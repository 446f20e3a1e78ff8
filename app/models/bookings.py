"""Community tourism: experiences (places in a session) and stays (rooms for nights).

A product's `kind` says how it is sold: goods are shipped, experiences and stays are booked
for a date. Capacity lives on `BookingSession` rows (one per session of an experience, one
per night of a stay) and is reserved the way stock is: a conditional UPDATE.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, UTCDateTime, utcnow
from app.models.catalog import Product


class ProductKind(Codes):
    GOODS = "goods"
    EXPERIENCE = "experience"  # per person, in a session at a time
    STAY = "stay"  # per room or bed, per night


class BookingStatus(Codes):
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class CancellationRule(db.Model):
    """Free cancellation until `free_until_days` before the service; later, `late_fee_pct`
    of the price is kept (100 when nothing is given back)."""

    __table_args__ = (
        sa.CheckConstraint("free_until_days >= 0", name="free_days_not_negative"),
        sa.CheckConstraint("late_fee_pct BETWEEN 0 AND 100", name="late_fee_pct_range"),
    )

    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    free_until_days: so.Mapped[int] = so.mapped_column(default=2)
    late_fee_pct: so.Mapped[int] = so.mapped_column(default=100)


class BookingSession(db.Model):
    """One session of an experience, or one night of a stay, with the places it has left."""

    __table_args__ = (
        sa.UniqueConstraint("product_id", "starts_at", name="uq_booking_session_product_start"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= capacity", name="reserved_in_capacity"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    duration_min: so.Mapped[int] = so.mapped_column(default=180)
    capacity: so.Mapped[int]
    reserved: so.Mapped[int] = so.mapped_column(default=0)
    meeting_point: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    product: so.Mapped[Product] = so.relationship()

    @property
    def places_left(self) -> int:
        return 0 if self.closed_at else self.capacity - self.reserved


class Booking(db.Model):
    """Places booked in one session; the voucher code is what staff scan or type."""

    __table_args__ = (sa.CheckConstraint("guests > 0", name="guests_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booking_session.id"), index=True)
    buyer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    order_line_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("order_line.id", ondelete="SET NULL"), index=True
    )
    guest_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    guests: so.Mapped[int]
    price_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    voucher_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=BookingStatus.CONFIRMED)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    refund_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    # Set by `flask bookings settle` once the service date has passed: payable to the shop.
    settled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    session: so.Mapped[BookingSession] = so.relationship()
    buyer: so.Mapped[User | None] = so.relationship()
