from datetime import UTC, date, datetime
from enum import EnumType, StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from app import clock

# Every date a user sees or picks (expiry, statement month, report period) is Vietnam's.
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """Now, from the one clock (app.clock) that tests can set."""
    return clock.now()


def vietnam_today() -> date:
    return clock.now().astimezone(VIETNAM).date()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on every backend (SQLite drops the offset otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class InvalidatesPageCache:
    """Marks a model whose rows public pages show (product, shop, fair, lot and OCOP pages,
    feeds): a commit that adds, changes or deletes one drops every cached page
    (app.page_cache reads this marker; a model new to those pages only needs it here)."""


class _CodesType(EnumType):
    @property
    def ALL(cls) -> tuple:  # upper case, read like the members: ShopStatus.ALL
        return tuple(cls)


class Codes(StrEnum, metaclass=_CodesType):
    """The codes a status or kind column holds. A StrEnum: the database keeps the plain
    words and a member equals its word, so forms, URLs, JSON and templates compare as
    before; `X.ALL` is every code, in order."""
