"""The rules of bookings: reserving places (never oversold), cancellation fees by deadline,
check-in by voucher code, closing a session and settling bookings after their date.

Services flush; the request, command or job owns the transaction (app/unit_of_work.py).
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.models import Booking, BookingSession, BookingStatus, CancellationRule, User
from app.shops.services import require_shop_staff

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed by hand at check-in


class BookingError(Exception):
    """A booking refused for a reason the user can read."""


def new_voucher_code() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(10))


def reserve_places(session: BookingSession, guests: int) -> bool:
    """Take `guests` places of an open session by a conditional UPDATE, so that concurrent
    checkouts on several workers can never oversell it. False when too few are left."""
    result = db.session.execute(
        sa.update(BookingSession)
        .where(
            BookingSession.id == session.id,
            BookingSession.closed_at.is_(None),
            BookingSession.reserved + guests <= BookingSession.capacity,
        )
        .values(reserved=BookingSession.reserved + guests)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.expire(session, ["reserved"])
    return True


def release_places(session: BookingSession, guests: int) -> None:
    db.session.execute(
        sa.update(BookingSession)
        .where(BookingSession.id == session.id, BookingSession.reserved >= guests)
        .values(reserved=BookingSession.reserved - guests)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["reserved"])


def book(
    session: BookingSession, guests: int, *, buyer: User | None, guest_name: str = ""
) -> Booking:
    """A confirmed booking of `guests` places, its capacity reserved in this transaction."""
    if guests < 1:
        raise BookingError(_("Book at least one place."))
    if session.starts_at <= clock.now():
        raise BookingError(_("This session has already started."))
    if not reserve_places(session, guests):
        raise BookingError(_("Not enough places are left on this date."))
    booking = Booking(
        session=session,
        buyer=buyer,
        guest_name=guest_name or (buyer.name if buyer else ""),
        guests=guests,
        price_vnd=session.product.price_vnd * guests,
        voucher_code=new_voucher_code(),
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def rule_of(booking: Booking) -> CancellationRule:
    rule = db.session.get(CancellationRule, booking.session.product_id)
    return rule or CancellationRule(free_until_days=2, late_fee_pct=100)


def cancellation_fee(booking: Booking) -> int:
    """What is kept if the buyer cancels now: nothing until `free_until_days` before the
    start (that very instant included), then `late_fee_pct` of the price."""
    rule = rule_of(booking)
    deadline = booking.session.starts_at - timedelta(days=rule.free_until_days)
    if clock.now() <= deadline:
        return 0
    return booking.price_vnd * rule.late_fee_pct // 100


def cancel_by_buyer(booking: Booking, user: User) -> int:
    """Cancel the buyer's own booking before it starts; the amount to refund is returned."""
    if booking.buyer_id != user.id:
        raise BookingError(_("This booking is not yours."))
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError(_("This booking can no longer be cancelled."))
    if clock.now() >= booking.session.starts_at:
        raise BookingError(_("This session has already started."))
    return _cancel(booking, refund_vnd=booking.price_vnd - cancellation_fee(booking))


def _cancel(booking: Booking, *, refund_vnd: int) -> int:
    """Confirmed -> cancelled by compare-and-set: of two cancels racing (or a cancel and a
    closed date), only one releases the places."""
    moved = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.CONFIRMED)
        .values(status=BookingStatus.CANCELLED, cancelled_at=clock.now(), refund_vnd=refund_vnd)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise BookingError(_("This booking can no longer be cancelled."))
    db.session.expire(booking, ["status", "cancelled_at", "refund_vnd"])
    release_places(booking.session, booking.guests)
    db.session.flush()
    return refund_vnd


def close_session(session: BookingSession, staff: User) -> list[Booking]:
    """Close a date: no more bookings, and every confirmed one is cancelled in full."""
    require_shop_staff(staff, session.product.shop)
    session.closed_at = clock.now()
    cancelled = list(
        db.session.scalars(
            sa.select(Booking).where(
                Booking.session_id == session.id, Booking.status == BookingStatus.CONFIRMED
            )
        )
    )
    for booking in cancelled:
        _cancel(booking, refund_vnd=booking.price_vnd)
    return cancelled


def booking_by_voucher(shop, code: str) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking)
        .join(Booking.session)
        .join(BookingSession.product)
        .where(
            Booking.voucher_code == code.strip().upper().replace(" ", ""),
            BookingSession.product.has(shop_id=shop.id),
        )
    )


def check_in(shop, code: str, staff: User) -> Booking:
    """Check the guests of a voucher in; a voucher of another cooperative is unknown here."""
    require_shop_staff(staff, shop)
    booking = booking_by_voucher(shop, code)
    if booking is None:
        raise BookingError(_("No booking has this voucher code."))
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError(_("This voucher has already been used or cancelled."))
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = clock.now()
    db.session.flush()
    return booking


def mark_no_show(booking: Booking, staff: User) -> None:
    require_shop_staff(staff, booking.session.product.shop)
    if booking.status != BookingStatus.CONFIRMED or clock.now() < booking.session.starts_at:
        raise BookingError(_("Only a confirmed booking whose session has begun can be a no-show."))
    booking.status = BookingStatus.NO_SHOW
    db.session.flush()


def settle_due() -> int:
    """Mark as payable every booking served (checked in or no-show) whose session has ended."""
    now = clock.now()
    due = db.session.scalars(
        sa.select(Booking)
        .join(Booking.session)
        .where(
            Booking.settled_at.is_(None),
            Booking.status.in_((BookingStatus.CHECKED_IN, BookingStatus.NO_SHOW)),
            BookingSession.starts_at < now,
        )
    )
    count = 0
    for booking in due:
        end = booking.session.starts_at + timedelta(minutes=booking.session.duration_min)
        if end <= now:
            booking.settled_at = now
            count += 1
    db.session.flush()
    return count
