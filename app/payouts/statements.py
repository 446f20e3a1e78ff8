"""Monthly statements of a shop's ledger, as a page and as CSV."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import AccountKind as K
from app.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Shop,
    ShopOrder,
    TransactionKind,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.payouts import ledger
from app.shops.services import require_shop_staff


@dataclass
class StatementRow:
    when: datetime
    kind: str
    reference: str
    memo: str
    gross_vnd: int
    commission_vnd: int  # the commission's effect on the shop: negative on a sale
    net_vnd: int
    tax_vnd: int = 0  # VAT and PIT withheld for a household seller: negative on a sale


@dataclass
class Statement:
    shop: Shop
    year: int
    month: int
    opening_vnd: int
    rows: list[StatementRow]

    @property
    def closing_vnd(self) -> int:
        return self.opening_vnd + sum(row.net_vnd for row in self.rows)

    def total(self, kind: str, column: str = "net_vnd") -> int:
        return sum(getattr(row, column) for row in self.rows if row.kind == kind)

    @property
    def commission_vnd(self) -> int:
        return sum(row.commission_vnd for row in self.rows)

    @property
    def tax_vnd(self) -> int:
        return sum(row.tax_vnd for row in self.rows)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=VIETNAM)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=VIETNAM)
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_month(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        return None
    return int(match.group(1)), int(match.group(2))


def current_month() -> tuple[int, int]:
    now = utcnow().astimezone(VIETNAM)
    return now.year, now.month


def statement(user: User, shop: Shop, year: int, month: int) -> Statement:
    """A month of the shop's money: opening balance, each sale, commission, refund, payout and
    adjustment, closing balance (which equals the ledger's balance at the month's end)."""
    require_shop_staff(user, shop)
    start, end = month_bounds(year, month)
    before = ledger.account_sums([shop.id], until=start)
    opening = before.get((shop.id, K.PENDING), 0) + before.get((shop.id, K.AVAILABLE), 0)
    rows = db.session.execute(
        sa.select(
            LedgerTransaction.id,
            LedgerTransaction.kind,
            LedgerTransaction.created_at,
            LedgerTransaction.memo,
            LedgerTransaction.payout_id,
            ShopOrder.number,
            LedgerAccount.shop_id,
            LedgerAccount.kind,
            LedgerEntry.amount_vnd,
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .outerjoin(ShopOrder, ShopOrder.id == LedgerTransaction.shop_order_id)
        .where(
            LedgerTransaction.shop_id == shop.id,
            LedgerTransaction.created_at >= start,
            LedgerTransaction.created_at < end,
            LedgerTransaction.kind != TransactionKind.RELEASE,
        )
        .order_by(LedgerTransaction.created_at, LedgerTransaction.id, LedgerEntry.id)
    ).all()
    lines: dict[int, StatementRow] = {}
    for tid, kind, when, memo, payout_id, number, owner, account_kind, amount in rows:
        row = lines.get(tid)
        if row is None:
            reference = number or (f"PO{payout_id}" if payout_id else "")
            row = lines[tid] = StatementRow(when, kind, reference, memo, 0, 0, 0)
        if owner == shop.id and account_kind in (K.PENDING, K.AVAILABLE):
            row.net_vnd += amount
        elif owner is None and account_kind == K.COMMISSION:
            row.commission_vnd -= amount
        elif owner is None and account_kind == K.TAX_WITHHELD:
            row.tax_vnd -= amount
    for row in lines.values():
        row.gross_vnd = row.net_vnd - row.commission_vnd - row.tax_vnd
    return Statement(shop, year, month, opening, list(lines.values()))


def statement_csv(stmt: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "type",
            "reference",
            "description",
            "gross_vnd",
            "commission_vnd",
            "net_vnd",
            "tax_withheld_vnd",
        ]
    )
    writer.writerow([stmt.label + "-01", "opening_balance", "", "", "", "", stmt.opening_vnd, ""])
    for row in stmt.rows:
        writer.writerow(
            [
                row.when.astimezone(VIETNAM).date().isoformat(),
                row.kind,
                row.reference,
                row.memo,
                row.gross_vnd,
                row.commission_vnd,
                row.net_vnd,
                row.tax_vnd,
            ]
        )
    writer.writerow(["", "closing_balance", "", "", "", "", stmt.closing_vnd, ""])
    return out.getvalue()


def statement_months(shop: Shop) -> list[tuple[int, int]]:
    """From the shop's first ledger month to this month, newest first."""
    first = db.session.scalar(
        sa.select(sa.func.min(LedgerTransaction.created_at)).where(
            LedgerTransaction.shop_id == shop.id
        )
    )
    year, month = current_month()
    if first is None:
        return [(year, month)]
    first_local = first.replace(tzinfo=first.tzinfo or UTC).astimezone(VIETNAM)
    months = []
    while (year, month) >= (first_local.year, first_local.month) and len(months) < 120:
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months
