"""The floor's tax filings: the monthly declaration of tax withheld from household and
individual sellers, and the quarterly seller information for the tax authority.

Both read what the ledger booked (TaxWithholding rows, written with each sale and refund, and
the sale and refund transactions), so a refund offsets revenue and tax in the period it is
booked. Columns are named in English; amounts are whole đồng.
"""

import csv
import io
import re
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SellerKind,
    Shop,
    TaxWithholding,
    TransactionKind,
)
from app.models.base import VIETNAM
from app.tax import rates


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=VIETNAM)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=VIETNAM)
    return start.astimezone(UTC), end.astimezone(UTC)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    start, _ = month_bounds(year, 3 * quarter - 2)
    _, end = month_bounds(year, 3 * quarter)
    return start, end


def parse_month(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


def parse_quarter(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})-?Q([1-4])", (text or "").strip().upper())
    return (int(match.group(1)), int(match.group(2))) if match else None


DECLARATION_COLUMNS = [
    "month",
    "seller",
    "legal_name",
    "seller_type",
    "tax_code",
    "id_number",
    "address",
    "revenue_vnd",
    "vat_withheld_vnd",
    "pit_withheld_vnd",
    "tax_withheld_vnd",
]


def declaration_rows(year: int, month: int) -> list[dict]:
    """One row per household or individual seller with sales or refunds booked that month."""
    start, end = month_bounds(year, month)
    sums = db.session.execute(
        sa.select(
            TaxWithholding.shop_id,
            sa.func.sum(TaxWithholding.revenue_vnd),
            sa.func.sum(TaxWithholding.vat_vnd),
            sa.func.sum(TaxWithholding.pit_vnd),
        )
        .where(TaxWithholding.created_at >= start, TaxWithholding.created_at < end)
        .group_by(TaxWithholding.shop_id)
    ).all()
    shops = {
        s.id: s
        for s in db.session.scalars(sa.select(Shop).where(Shop.id.in_([r[0] for r in sums])))
    }
    rows = []
    for shop_id, revenue, vat, pit in sorted(sums, key=lambda r: shops[r[0]].slug):
        shop = shops[shop_id]
        rows.append(
            {
                "month": f"{year:04d}-{month:02d}",
                "seller": shop.slug,
                "legal_name": shop.registered_name,
                "seller_type": shop.seller_type,
                "tax_code": shop.tax_code or "",
                "id_number": "" if shop.tax_code else (shop.owner_id_number or ""),
                "address": shop.full_address,
                "revenue_vnd": int(revenue),
                "vat_withheld_vnd": int(vat),
                "pit_withheld_vnd": int(pit),
                "tax_withheld_vnd": int(vat) + int(pit),
            }
        )
    return rows


SELLER_COLUMNS = [
    "quarter",
    "seller",
    "legal_name",
    "seller_kind",
    "seller_type",
    "tax_code",
    "id_number",
    "address",
    "phone",
    "legal_representative",
    "status",
    "registered_on",
    "verified_on",
    "revenue_vnd",
    "tax_withheld_vnd",
]


def _revenue_by_shop(start: datetime, end: datetime) -> dict[int, int]:
    """Sales (what buyers paid the shop) less refunds, as booked in the ledger."""
    rows = db.session.execute(
        sa.select(
            LedgerTransaction.shop_id, LedgerAccount.kind, sa.func.sum(LedgerEntry.amount_vnd)
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(
            LedgerTransaction.created_at >= start,
            LedgerTransaction.created_at < end,
            LedgerTransaction.kind.in_((TransactionKind.SALE, TransactionKind.REFUND)),
            LedgerAccount.shop_id.is_(None),
            LedgerAccount.kind.in_((AccountKind.CLEARING, AccountKind.REFUNDS)),
        )
        .group_by(LedgerTransaction.shop_id, LedgerAccount.kind)
    ).all()
    revenue: dict[int, int] = {}
    for shop_id, _kind, amount in rows:
        revenue[shop_id] = revenue.get(shop_id, 0) - int(amount)  # clearing −, refunds +
    return revenue


def seller_rows(year: int, quarter: int) -> list[dict]:
    """Every seller registered on the floor by the quarter's end, with its revenue in it
    (Decree 91/2022: what the floor reports about its sellers)."""
    start, end = quarter_bounds(year, quarter)
    revenue = _revenue_by_shop(start, end)
    withheld = dict(
        db.session.execute(
            sa.select(
                TaxWithholding.shop_id,
                sa.func.sum(TaxWithholding.vat_vnd + TaxWithholding.pit_vnd),
            )
            .where(TaxWithholding.created_at >= start, TaxWithholding.created_at < end)
            .group_by(TaxWithholding.shop_id)
        ).all()
    )
    shops = db.session.scalars(sa.select(Shop).where(Shop.created_at < end).order_by(Shop.slug))
    return [
        {
            "quarter": f"{year:04d}Q{quarter}",
            "seller": shop.slug,
            "legal_name": shop.registered_name,
            "seller_kind": shop.seller_kind,
            "seller_type": shop.seller_type,
            "tax_code": shop.tax_code or "",
            "id_number": shop.owner_id_number or ""
            if shop.seller_kind == SellerKind.HOUSEHOLD
            else "",
            "address": shop.full_address,
            "phone": shop.phone,
            "legal_representative": shop.legal_representative,
            "status": shop.status,
            "registered_on": shop.created_at.astimezone(VIETNAM).date().isoformat(),
            "verified_on": shop.verified_at.astimezone(VIETNAM).date().isoformat()
            if shop.verified_at
            else "",
            "revenue_vnd": revenue.get(shop.id, 0),
            "tax_withheld_vnd": int(withheld.get(shop.id, 0)),
        }
        for shop in shops
    ]


def to_csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    out.write(f"# rates: {rates.SOURCE}\r\n")
    return out.getvalue()


def declaration_csv(year: int, month: int) -> str:
    return to_csv(DECLARATION_COLUMNS, declaration_rows(year, month))


def sellers_csv(year: int, quarter: int) -> str:
    return to_csv(SELLER_COLUMNS, seller_rows(year, quarter))
