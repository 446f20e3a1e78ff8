"""The one clock that deadlines read, so tests can move time without sleeping.

`now()` is the current UTC time unless a test has set it with `set_now()`; `travel_to()` is
the context manager form. Only code whose rules depend on elapsed time (policy notice
periods, data-request deadlines, document retention) needs it.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime

from app.models.base import VIETNAM

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today in Vietnam."""
    return now().astimezone(VIETNAM).date()


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (timezone-aware), or let it run again with None."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("set_now needs a timezone-aware datetime")
    _frozen = moment


@contextmanager
def travel_to(moment: datetime):
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
