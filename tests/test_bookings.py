"""Bookings: places never oversold, cancellation fees at their deadline, check-in by voucher,
closing a date, settling after the session."""

from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.exceptions import Forbidden

from app.bookings import services
from app.bookings.services import BookingError
from app.clock import frozen_at
from app.extensions import db
from app.models import BookingSession, BookingStatus, CancellationRule, ProductKind
from app.unit_of_work import transaction
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of

START = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
BEFORE = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def tour(app):
    product = ProductFactory(kind=ProductKind.EXPERIENCE, price_vnd=350000, stock=0)
    session = BookingSession(product=product, starts_at=START, capacity=10, meeting_point="Đình")
    db.session.add(session)
    db.session.commit()
    db.session.add(CancellationRule(product_id=product.id, free_until_days=3, late_fee_pct=50))
    db.session.commit()
    return session


@pytest.fixture
def buyer(app):
    return UserFactory(email="guest@example.com")


def test_places_are_never_oversold(tour, buyer):
    with frozen_at(BEFORE), transaction():
        services.book(tour, 8, buyer=buyer)
    with frozen_at(BEFORE), pytest.raises(BookingError), transaction():
        services.book(tour, 3, buyer=buyer)
    db.session.refresh(tour)
    assert tour.reserved == 8 and tour.places_left == 2


@pytest.mark.parametrize(
    ("moment", "refund"),
    [
        (START - timedelta(days=3), 700000),  # the deadline itself: still free
        (START - timedelta(days=3) + timedelta(seconds=1), 350000),  # then half is kept
    ],
)
def test_cancellation_fee_at_the_deadline(tour, buyer, moment, refund):
    with frozen_at(BEFORE), transaction():
        booking = services.book(tour, 2, buyer=buyer)
    with frozen_at(moment), transaction():
        assert services.cancel_by_buyer(booking, buyer) == refund
    db.session.refresh(tour)
    assert booking.status == BookingStatus.CANCELLED and tour.reserved == 0


def test_staff_check_in_by_voucher_only_in_their_shop(tour, buyer):
    staff = staff_of(tour.product.shop)
    other = staff_of(ShopFactory())
    with frozen_at(BEFORE), transaction():
        booking = services.book(tour, 2, buyer=buyer)
    with pytest.raises(Forbidden):
        services.check_in(tour.product.shop, booking.voucher_code, other)
    with frozen_at(START), transaction():
        services.check_in(tour.product.shop, booking.voucher_code.lower(), staff)
    assert booking.status == BookingStatus.CHECKED_IN
    with pytest.raises(BookingError):
        services.check_in(tour.product.shop, booking.voucher_code, staff)


def test_closing_a_date_cancels_and_refunds_in_full(tour, buyer):
    staff = staff_of(tour.product.shop)
    with frozen_at(BEFORE), transaction():
        booking = services.book(tour, 2, buyer=buyer)
    with frozen_at(START - timedelta(hours=1)), transaction():
        services.close_session(tour, staff)
    assert booking.status == BookingStatus.CANCELLED and booking.refund_vnd == 700000
    with frozen_at(BEFORE), pytest.raises(BookingError):
        services.book(tour, 1, buyer=buyer)


def test_settle_makes_booking_payable_after_the_session(tour, buyer, runner):
    staff = staff_of(tour.product.shop)
    with frozen_at(BEFORE), transaction():
        booking = services.book(tour, 2, buyer=buyer)
    with frozen_at(START), transaction():
        services.check_in(tour.product.shop, booking.voucher_code, staff)
    with frozen_at(START + timedelta(minutes=179)):
        assert "0 booking(s)" in runner.invoke(args=["bookings", "settle"]).output
    with frozen_at(START + timedelta(minutes=180)):
        assert "1 booking(s)" in runner.invoke(args=["bookings", "settle"]).output
    db.session.refresh(booking)
    assert booking.settled_at is not None
