"""The one clock: every "now" in Chợ HTX comes from here, so tests can set the time.

`now()` is the real time unless a test has set it with `frozen_at(moment)` (or moved it
with `advanced_by(delta)`): a payment deadline that passes, a return window that ends, a job
that runs later, without sleeping.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_frozen: datetime | None = None


def now() -> datetime:
    """Timezone-aware UTC now (or the moment a test set)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    """Within the block, `now()` answers `moment` (timezone-aware)."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use timezone-aware UTC")
    before, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = before


def advanced_by(delta: timedelta):
    """Within the block, the clock stands `delta` after the moment the block started."""
    return frozen_at(now() + delta)
