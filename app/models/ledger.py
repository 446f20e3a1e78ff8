"""The payouts ledger: double-entry, append-only, in integer đồng.

Every LedgerTransaction has entries summing to zero and a unique `key` naming the event that
caused it ("sale:42", "refund:7", "payout:3"), so applying an event twice changes nothing.
Entries are never updated or deleted; a correction is a new transaction. Amounts are signed:
a positive amount on a shop's account is money the marketplace owes that shop.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, UTCDateTime, utcnow
from app.models.orders import ShopOrder
from app.models.shops import Shop


class AccountKind(Codes):
    # a cooperative's accounts
    PENDING = "pending"  # earned, still inside the return window
    AVAILABLE = "available"  # payable at the next payout (negative: carried forward)
    PAID_OUT = "paid_out"  # sent to the cooperative
    # the marketplace's accounts
    CLEARING = "clearing"  # buyers' money, from a delivered sale until it is shared out
    COMMISSION = "commission"
    REFUNDS = "refunds"  # paid back to buyers
    ADJUSTMENTS = "adjustments"  # manual corrections by the operator
    # VAT and PIT withheld from household and individual sellers, owed to the tax authority
    TAX_WITHHELD = "tax_withheld"


AccountKind.SHOP = (AccountKind.PENDING, AccountKind.AVAILABLE, AccountKind.PAID_OUT)
AccountKind.MARKET = (
    AccountKind.CLEARING,
    AccountKind.COMMISSION,
    AccountKind.REFUNDS,
    AccountKind.ADJUSTMENTS,
    AccountKind.TAX_WITHHELD,
)


class TransactionKind(Codes):
    SALE = "sale"
    RELEASE = "release"  # pending → available after the return window
    REFUND = "refund"
    PAYOUT = "payout"
    PAYOUT_FAILED = "payout_failed"
    REVERSAL = "reversal"  # a Stripe transfer reversed after a refund
    ADJUSTMENT = "adjustment"


class LedgerAccount(db.Model):
    __table_args__ = (sa.UniqueConstraint("shop_id", "kind", name="uq_ledger_account_shop_kind"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)  # "shop:12:pending"
    shop_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shop.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))

    shop: so.Mapped[Shop | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<LedgerAccount {self.code}>"


class LedgerTransaction(db.Model):
    """One event's effect on the books, with what caused it and who."""

    __table_args__ = (
        sa.Index("ix_ledger_transaction_shop_created", "shop_id", "created_at"),
        sa.Index("ix_ledger_transaction_kind_created", "kind", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    shop_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("shop.id"))
    shop_order_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("shop_order.id"), index=True
    )
    refund_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("refund.id"))
    payout_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payout.id"))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    memo: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    shop: so.Mapped[Shop | None] = so.relationship()
    shop_order: so.Mapped[ShopOrder | None] = so.relationship()
    actor: so.Mapped[User | None] = so.relationship()
    entries: so.Mapped[list["LedgerEntry"]] = so.relationship(
        back_populates="transaction", order_by="LedgerEntry.id"
    )


class LedgerEntry(db.Model):
    __table_args__ = (sa.Index("ix_ledger_entry_account", "account_id", "transaction_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    transaction_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ledger_transaction.id"), index=True
    )
    account_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ledger_account.id"))
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    transaction: so.Mapped[LedgerTransaction] = so.relationship(back_populates="entries")
    account: so.Mapped[LedgerAccount] = so.relationship()


class PayoutMethod(Codes):
    BANK = "bank"
    STRIPE = "stripe"


class PayoutStatus(Codes):
    PENDING = "pending"  # bank: in the batch file, waiting for the operator; Stripe: sending
    PAID = "paid"
    FAILED = "failed"  # the money went back to the shop's available balance


class PayoutRun(db.Model):
    """One `payouts run` (CLI or admin screen); serialises runs so a balance is paid once."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    until: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    actor: so.Mapped[User | None] = so.relationship()
    payouts: so.Mapped[list["Payout"]] = so.relationship(back_populates="run", order_by="Payout.id")


class Payout(db.Model):
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payout_run.id"), index=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"), index=True)
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    method: so.Mapped[str] = so.mapped_column(sa.String(10))
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=PayoutStatus.PENDING)
    # Bank details as paid (copied, so a later edit does not rewrite history).
    bank_bin: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    account_no: so.Mapped[str | None] = so.mapped_column(sa.String(34))
    account_holder: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    transfer_message: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    stripe_account_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    stripe_transfer_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    transfer_group: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    reversed_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # the bank's reference
    failure_reason: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    completed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    completed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    run: so.Mapped[PayoutRun | None] = so.relationship(back_populates="payouts")
    shop: so.Mapped[Shop] = so.relationship()
    completed_by: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<Payout {self.id} {self.shop_id} {self.amount_vnd} {self.status}>"


class PayoutShopOrder(db.Model):
    """The shop orders whose money a payout carried (its transfer_group; refunds find it)."""

    payout_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("payout.id"), primary_key=True)
    shop_order_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("shop_order.id"), primary_key=True, index=True
    )


def _append_only(mapper, connection, target) -> None:
    raise ValueError(f"{type(target).__name__} is append-only: post a correcting transaction")


for _model in (LedgerTransaction, LedgerEntry):
    sa.event.listen(_model, "before_update", _append_only)
    sa.event.listen(_model, "before_delete", _append_only)
