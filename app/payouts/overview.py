"""The operator's overview: shops with their balances, commission by month."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AccountKind as K
from app.models import LedgerAccount, LedgerEntry, LedgerTransaction, Shop
from app.models.base import VIETNAM


def shops_with_balances_query() -> sa.Select:
    return (
        sa.select(Shop)
        .where(
            Shop.id.in_(sa.select(LedgerAccount.shop_id).where(LedgerAccount.shop_id.is_not(None)))
        )
        .order_by(Shop.slug)
    )


def commission_by_month(limit: int = 24) -> list[tuple[str, int]]:
    """Commission earned per month (net of refunds), newest first."""
    rows = db.session.execute(
        sa.select(LedgerTransaction.created_at, LedgerEntry.amount_vnd)
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerAccount.shop_id.is_(None), LedgerAccount.kind == K.COMMISSION)
    )
    totals: dict[str, int] = {}
    for created_at, amount in rows:
        month = created_at.astimezone(VIETNAM).strftime("%Y-%m")
        totals[month] = totals.get(month, 0) + amount
    return sorted(totals.items(), reverse=True)[:limit]
