"""Community tourism bookings: sessions and nights, vouchers, cancellation rules."""
