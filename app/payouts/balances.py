"""What a shop has earned, what is still pending, and how it is paid."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.extensions import db
from app.models import AccountKind as K
from app.models import LedgerTransaction, Payout, PayoutMethod, Shop, ShopOrder, TransactionKind
from app.payouts import ledger


def shop_balance(shop: Shop) -> ledger.Balance:
    return ledger.balance(shop)


def payout_minimum(shop: Shop) -> int:
    if shop.payout_minimum_vnd is not None:
        return shop.payout_minimum_vnd
    return int(current_app.config["PAYOUT_MINIMUM_VND"])


def payout_method(shop: Shop) -> str:
    if shop.stripe_account_id and shop.stripe_payouts_enabled:
        return PayoutMethod.STRIPE
    return PayoutMethod.BANK


def has_bank_details(shop: Shop) -> bool:
    return bool(shop.payout_bank_bin and shop.payout_account_no and shop.payout_account_holder)


@dataclass
class PendingSale:
    number: str
    pending_vnd: int
    payable_from: datetime
    tax_vnd: int = 0  # withheld from a household seller's sale


def pending_sales(shop: Shop, limit: int = 50) -> list[PendingSale]:
    """Delivered sales still inside their return window (or waiting for the COD cash)."""
    released = so.aliased(LedgerTransaction)
    rows = db.session.execute(
        sa.select(ShopOrder.number, LedgerTransaction.created_at, ShopOrder.id)
        .join(ShopOrder, ShopOrder.id == LedgerTransaction.shop_order_id)
        .where(
            LedgerTransaction.shop_id == shop.id,
            LedgerTransaction.kind == TransactionKind.SALE,
            ~sa.exists().where(
                released.shop_order_id == LedgerTransaction.shop_order_id,
                released.kind == TransactionKind.RELEASE,
            ),
        )
        .order_by(LedgerTransaction.created_at)
        .limit(limit)
    ).all()
    window = ledger.return_window()
    return [
        PendingSale(
            number=number,
            pending_vnd=ledger.shop_order_sum(so_id, (K.PENDING,)),
            payable_from=created_at + window,
            tax_vnd=ledger.shop_order_sum(so_id, (K.TAX_WITHHELD,)),
        )
        for number, created_at, so_id in rows
    ]


def shop_payouts(shop: Shop, limit: int = 20) -> list[Payout]:
    return list(
        db.session.scalars(
            sa.select(Payout)
            .where(Payout.shop_id == shop.id)
            .order_by(Payout.id.desc())
            .limit(limit)
        )
    )
