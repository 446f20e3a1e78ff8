"""Payout runs: one payout per shop whose available balance reaches its minimum, and the
operator's bank batch file for them.

A run is one transaction that takes the money off the shops' available balances; Stripe
payouts are committed (commit_step) and then sent, one at a time.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import AccountKind as K
from app.models import (
    LedgerEntry,
    LedgerTransaction,
    Order,
    Payout,
    PayoutMethod,
    PayoutRun,
    PayoutShopOrder,
    PayoutStatus,
    Shop,
    ShopOrder,
    TransactionKind,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.payouts import ledger
from app.payouts.balances import has_bank_details, payout_method, payout_minimum
from app.payouts.settlement import resume_interrupted_transfers, send_transfer
from app.text import fold
from app.unit_of_work import commit_step, rollback

BATCH_HEADER = [
    "shop",
    "bank BIN",
    "account number",
    "account holder",
    "amount",
    "transfer message",
]


_RUN_LOCK = 6_006_006  # PostgreSQL advisory lock id: one payout run at a time


@dataclass
class PlannedPayout:
    shop_slug: str
    shop_name: str
    method: str
    amount_vnd: int
    payout_id: int | None = None
    status: str = PayoutStatus.PENDING


@dataclass
class RunReport:
    run_id: int | None
    until: datetime
    dry_run: bool
    released: int = 0
    payouts: list[PlannedPayout] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (shop slug, why)

    @property
    def total_vnd(self) -> int:
        return sum(p.amount_vnd for p in self.payouts)


def end_of_day(day: date) -> datetime:
    """The last moment of a Vietnamese calendar day, in UTC."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=VIETNAM)
    return local.astimezone(UTC) - timedelta(microseconds=1)


def _lock_runs() -> PayoutRun:
    """Start the run's transaction with a write, so a second run waits for this one to end and
    then reads the balances it left (SQLite takes its write lock here; PostgreSQL an advisory
    lock). A balance is therefore paid once, however many runs start at the same moment."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _RUN_LOCK})
    run = PayoutRun(until=utcnow())
    db.session.add(run)
    db.session.flush()
    return run


def run_payouts(
    until: datetime | None = None, *, dry_run: bool = False, actor: User | None = None
) -> RunReport:
    """One payout per shop whose available balance reaches its minimum, in one transaction.

    Sales whose return window ended by `until` (default: now) become available first. Bank
    payouts wait in the batch file for the operator; Stripe ones are sent once the run is committed.
    With dry_run nothing is kept: the report is the preview.
    """
    if not dry_run:
        resume_interrupted_transfers()
    now = utcnow()
    until = min(until or now, now)
    run = _lock_runs()
    run.until = until
    run.actor_id = actor.id if actor is not None and actor.is_authenticated else None
    report = RunReport(run_id=None if dry_run else run.id, until=until, dry_run=dry_run)
    report.released = ledger.release_due(until)
    available = {
        shop_id: amount
        for (shop_id, kind), amount in ledger.account_sums().items()
        if kind == K.AVAILABLE and shop_id is not None and amount > 0
    }
    shops = db.session.scalars(
        sa.select(Shop).where(Shop.id.in_(list(available))).order_by(Shop.slug)
    ).all()
    payouts = []
    for shop in shops:
        amount = available[shop.id]
        if amount < payout_minimum(shop):
            continue
        method = payout_method(shop)
        if method == PayoutMethod.BANK and not has_bank_details(shop):
            report.skipped.append((shop.slug, _("no bank details")))
            continue
        payout = Payout(
            run_id=run.id,
            shop_id=shop.id,
            amount_vnd=amount,
            method=method,
            status=PayoutStatus.PENDING,
            bank_bin=shop.payout_bank_bin if method == PayoutMethod.BANK else None,
            account_no=shop.payout_account_no if method == PayoutMethod.BANK else None,
            account_holder=shop.payout_account_holder if method == PayoutMethod.BANK else None,
            stripe_account_id=shop.stripe_account_id if method == PayoutMethod.STRIPE else None,
            created_at=now,
        )
        payouts.append((shop, payout))
    db.session.add_all([payout for _shop, payout in payouts])
    db.session.flush()
    _post_payouts(payouts, run, now)
    for shop, payout in payouts:
        report.payouts.append(
            PlannedPayout(
                shop_slug=shop.slug,
                shop_name=shop.name_vi or shop.name_en,
                method=payout.method,
                amount_vnd=payout.amount_vnd,
                payout_id=None if dry_run else payout.id,
            )
        )
    if dry_run:
        rollback()  # a preview: nothing of it is kept
        return report
    if not report.payouts:
        # A run that paid nobody is not worth a row in the list; the sales it released
        # stay released (its row only took the lock).
        db.session.delete(run)
        db.session.flush()
        report.run_id = None
    commit_step("the payouts are committed before their Stripe transfers are sent")
    for planned in report.payouts:
        if planned.method == PayoutMethod.STRIPE:
            planned.status = send_transfer(planned.payout_id).status
    return report


def _post_payouts(payouts: list[tuple[Shop, Payout]], run: PayoutRun, now: datetime) -> None:
    """Ledger postings, batch messages and the shop orders each payout carries, in bulk."""
    if not payouts:
        return
    ids = ledger.account_ids([shop.id for shop, _payout in payouts])
    created = db.session.execute(
        sa.insert(LedgerTransaction).returning(
            LedgerTransaction.id, LedgerTransaction.payout_id, sort_by_parameter_order=True
        ),
        [
            {
                "key": f"payout:{payout.id}",
                "kind": TransactionKind.PAYOUT,
                "shop_id": shop.id,
                "payout_id": payout.id,
                "actor_id": run.actor_id,
                "memo": "",
                "created_at": now,
            }
            for shop, payout in payouts
        ],
    ).all()
    entries = []
    for (transaction_id, _id), (shop, payout) in zip(created, payouts, strict=True):
        entries.append(
            {
                "transaction_id": transaction_id,
                "account_id": ids[(shop.id, K.AVAILABLE)],
                "amount_vnd": -payout.amount_vnd,
            }
        )
        entries.append(
            {
                "transaction_id": transaction_id,
                "account_id": ids[(shop.id, K.PAID_OUT)],
                "amount_vnd": payout.amount_vnd,
            }
        )
        payout.transfer_message = f"CHOHTX PO{payout.id}"
    db.session.execute(sa.insert(LedgerEntry), entries)
    # Released shop orders not yet carried by a payout (a failed one gives them back).
    carried = (
        sa.select(PayoutShopOrder.shop_order_id)
        .join(Payout, Payout.id == PayoutShopOrder.payout_id)
        .where(Payout.status != PayoutStatus.FAILED, Payout.run_id != run.id)
        .correlate(None)  # its own payouts, not the outer query's
    )
    db.session.execute(
        sa.insert(PayoutShopOrder).from_select(
            ["payout_id", "shop_order_id"],
            sa.select(Payout.id, LedgerTransaction.shop_order_id)
            .join(LedgerTransaction, LedgerTransaction.shop_id == Payout.shop_id)
            .where(
                Payout.run_id == run.id,
                LedgerTransaction.kind == TransactionKind.RELEASE,
                LedgerTransaction.shop_order_id.not_in(carried),
            ),
        )
    )
    for _shop, payout in payouts:
        if payout.method == PayoutMethod.STRIPE:
            payout.transfer_group = transfer_group(payout)


def transfer_group(payout: Payout) -> str:
    """The buyers' order numbers the transfer pays for (their PaymentIntents' group)."""
    numbers = db.session.scalars(
        sa.select(Order.number)
        .join(ShopOrder, ShopOrder.order_id == Order.id)
        .join(PayoutShopOrder, PayoutShopOrder.shop_order_id == ShopOrder.id)
        .where(PayoutShopOrder.payout_id == payout.id)
        .distinct()
        .order_by(Order.number)
    ).all()
    group = ",".join(numbers) or f"PO{payout.id}"
    if len(group) > 500:  # many small orders: name the first ones and count the rest
        kept = []
        for number in numbers:
            if len(",".join([*kept, number])) > 480:
                break
            kept.append(number)
        group = ",".join(kept) + f",+{len(numbers) - len(kept)}"
    return group


def bank_payouts(run_id: int) -> list[Payout]:
    return list(
        db.session.scalars(
            sa.select(Payout)
            .where(Payout.run_id == run_id, Payout.method == PayoutMethod.BANK)
            .order_by(Payout.id)
        )
    )


def batch_csv(run_id: int) -> str:
    """The operator's bank batch for a run: one line per bank payout."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BATCH_HEADER)
    for payout in bank_payouts(run_id):
        writer.writerow(
            [
                payout.shop.slug,
                payout.bank_bin,
                payout.account_no,
                fold(payout.account_holder or "").upper(),
                payout.amount_vnd,
                payout.transfer_message,
            ]
        )
    return out.getvalue()


def recent_runs(limit: int = 20) -> list[PayoutRun]:
    return list(db.session.scalars(sa.select(PayoutRun).order_by(PayoutRun.id.desc()).limit(limit)))


def waiting_bank_payouts() -> list[Payout]:
    return list(
        db.session.scalars(
            sa.select(Payout)
            .where(Payout.status == PayoutStatus.PENDING, Payout.method == PayoutMethod.BANK)
            .order_by(Payout.id)
        )
    )


def runs_waiting_for_batch_files() -> list[int]:
    """Runs with bank payouts not yet marked paid: their batch file must exist."""
    return db.session.scalars(
        sa.select(Payout.run_id)
        .where(Payout.method == PayoutMethod.BANK, Payout.status == PayoutStatus.PENDING)
        .distinct()
        .order_by(Payout.run_id)
    ).all()
