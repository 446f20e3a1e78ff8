"""Payouts: runs, bank batches, Stripe Connect transfers and reversals, adjustments, statements.

Each public function owns its transaction. Stripe is reached only through stripe_gateway and
never while a transaction is open: a payout is written (and its money taken off the shop's
available balance) first, committed, then sent, then marked paid or failed.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from app import audit
from app.accounts.permissions import require_admin
from app.extensions import db
from app.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Order,
    Payout,
    PayoutMethod,
    PayoutRun,
    PayoutShopOrder,
    PayoutStatus,
    Refund,
    Shop,
    ShopOrder,
    TransactionKind,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.payments import stripe_gateway
from app.payouts import ledger
from app.shops.services import require_shop_staff
from app.text import fold

K = AccountKind
BIN = re.compile(r"^\d{6}$")
ACCOUNT_NO = re.compile(r"^\d{6,19}$")
MAX_ADJUSTMENT_VND = 1_000_000_000
BATCH_HEADER = [
    "shop",
    "bank BIN",
    "account number",
    "account holder",
    "amount",
    "transfer message",
]
_RUN_LOCK = 6_006_006  # PostgreSQL advisory lock id: one payout run at a time


class PayoutError(ValueError):
    """A rule was broken; the message is for the user or operator."""


# --- balances -------------------------------------------------------------------------------


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


# --- payout runs ----------------------------------------------------------------------------


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
    payouts wait in the batch file for the operator; Stripe ones are sent after the commit.
    With dry_run nothing is kept: the report is the preview.
    """
    now = utcnow()
    until = min(until or now, now)
    try:
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
            db.session.rollback()
            return report
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
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


# --- sending and settling payouts -----------------------------------------------------------


def send_transfer(payout_id: int) -> Payout:
    """Send a Stripe payout (outside any transaction); paid on success, failed otherwise."""
    payout = db.session.get(Payout, payout_id)
    if payout is None or payout.method != PayoutMethod.STRIPE:
        return payout
    if payout.status != PayoutStatus.PENDING or payout.stripe_transfer_id:
        return payout
    db.session.commit()  # nothing may stay open while we wait for Stripe
    try:
        transfer_id = stripe_gateway.create_transfer(
            payout_key=str(payout.id),
            amount_vnd=payout.amount_vnd,
            destination=payout.stripe_account_id,
            transfer_group=payout.transfer_group or f"PO{payout.id}",
            description=f"Chợ HTX payout {payout.id}",
        )
    except stripe_gateway.GatewayError as error:
        _fail(payout, str(error), None)
        db.session.commit()
        return payout
    payout.stripe_transfer_id = transfer_id
    payout.reference = transfer_id
    payout.status = PayoutStatus.PAID
    payout.completed_at = utcnow()
    db.session.commit()
    return payout


def _fail(payout: Payout, reason: str, actor: User | None) -> None:
    payout.status = PayoutStatus.FAILED
    payout.failure_reason = reason[:255]
    payout.completed_at = utcnow()
    payout.completed_by_id = actor.id if actor is not None else None
    ledger.post(
        f"payout_failed:{payout.id}",
        TransactionKind.PAYOUT_FAILED,
        {
            (payout.shop_id, K.PAID_OUT): -payout.amount_vnd,
            (payout.shop_id, K.AVAILABLE): payout.amount_vnd,
        },
        shop_id=payout.shop_id,
        payout_id=payout.id,
        actor=actor,
        memo=reason,
    )


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def mark_paid(user: User, payout: Payout, reference: str) -> None:
    """The operator saw the bank transfer go out: keep the bank's reference."""
    require_admin(user)
    reference = _clean(reference)
    if not 3 <= len(reference) <= 120:
        raise PayoutError(_("Enter the bank's transaction reference (3 to 120 characters)."))
    if payout.status != PayoutStatus.PENDING or payout.method != PayoutMethod.BANK:
        raise PayoutError(_("Only a waiting bank payout can be marked paid."))
    payout.status = PayoutStatus.PAID
    payout.reference = reference
    payout.completed_at = utcnow()
    payout.completed_by_id = user.id
    audit.record(
        "payout.paid", payout, actor=user, reference=reference, amount_vnd=payout.amount_vnd
    )
    db.session.commit()


def mark_failed(user: User, payout: Payout, reason: str) -> None:
    """The bank sent the money back (or it never left): it returns to the shop's balance."""
    require_admin(user)
    reason = _clean(reason)
    if not reason:
        raise PayoutError(_("Say why the payout failed."))
    if payout.status != PayoutStatus.PENDING:
        raise PayoutError(_("Only a waiting payout can be marked failed."))
    _fail(payout, reason, user)
    audit.record("payout.failed", payout, actor=user, reason=reason, amount_vnd=payout.amount_vnd)
    db.session.commit()


def payout_by_id(payout_id: int) -> Payout | None:
    return db.session.get(Payout, payout_id)


# --- refunds after a transfer ---------------------------------------------------------------


def reverse_transfer_for_refund(refund_id: int) -> int:
    """After a refund of money already transferred to a Connect account: take the shop's share
    back from that transfer where Stripe allows; otherwise the negative balance is carried
    forward to the next payout. Returns the amount reversed."""
    refund = db.session.get(Refund, refund_id)
    posted = db.session.scalar(
        sa.select(LedgerTransaction).where(LedgerTransaction.key == f"refund:{refund_id}")
    )
    if refund is None or posted is None or ledger.is_posted(f"reversal:{refund_id}"):
        return 0
    shop_share = -sum(
        entry.amount_vnd for entry in posted.entries if entry.account.shop_id is not None
    )
    payout = db.session.scalar(
        sa.select(Payout)
        .join(PayoutShopOrder, PayoutShopOrder.payout_id == Payout.id)
        .where(
            PayoutShopOrder.shop_order_id == refund.shop_order_id,
            Payout.method == PayoutMethod.STRIPE,
            Payout.status == PayoutStatus.PAID,
            Payout.stripe_transfer_id.is_not(None),
        )
        .order_by(Payout.id.desc())
    )
    if payout is None or shop_share <= 0:
        return 0
    amount = min(shop_share, payout.amount_vnd - payout.reversed_vnd)
    if amount <= 0:
        return 0
    transfer_id = payout.stripe_transfer_id
    db.session.commit()
    try:
        stripe_gateway.reverse_transfer(
            transfer_id=transfer_id, amount_vnd=amount, reversal_key=f"refund-{refund_id}"
        )
    except stripe_gateway.GatewayError as error:
        current_app.logger.warning("Transfer %s not reversed: %s", transfer_id, error)
        return 0  # the refund stays on the shop's balance, netted at the next payout
    ledger.post(
        f"reversal:{refund_id}",
        TransactionKind.REVERSAL,
        {(payout.shop_id, K.PAID_OUT): -amount, (payout.shop_id, K.AVAILABLE): amount},
        shop_id=payout.shop_id,
        shop_order_id=refund.shop_order_id,
        refund_id=refund_id,
        payout_id=payout.id,
        memo=transfer_id,
    )
    payout.reversed_vnd += amount
    db.session.commit()
    return amount


# --- manual adjustments ---------------------------------------------------------------------


def adjust(user: User, shop: Shop, amount_vnd: int, reason: str) -> LedgerTransaction:
    """An operator's correction to a shop's available balance, with its reason (audited)."""
    require_admin(user)
    reason = _clean(reason)
    if not reason:
        raise PayoutError(_("Say why you adjust the balance: the cooperative will read it."))
    if len(reason) > 255:
        raise PayoutError(_("The reason has 255 characters at most."))
    if not isinstance(amount_vnd, int) or amount_vnd == 0 or abs(amount_vnd) > MAX_ADJUSTMENT_VND:
        raise PayoutError(_("Enter a non-zero amount of at most 1,000,000,000 đồng either way."))
    try:
        transaction = ledger.post(
            f"adjustment:{uuid.uuid4().hex}",
            TransactionKind.ADJUSTMENT,
            {(shop.id, K.AVAILABLE): amount_vnd, (None, K.ADJUSTMENTS): -amount_vnd},
            shop_id=shop.id,
            actor=user,
            memo=reason,
        )
        audit.record("payout.adjust", shop, actor=user, reason=reason, amount_vnd=amount_vnd)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return transaction


# --- commission rates and payout minimums (the operator's terms) ---------------------------

MAX_BPS = 5_000  # 50%: anything above is a typing mistake


def _check_bps(bps: int | None) -> None:
    if bps is not None and not 0 <= bps <= MAX_BPS:
        raise PayoutError(_("A commission is 0 to 5000 basis points (0 to 50%)."))


def set_shop_terms(user: User, shop: Shop, commission_bps: int | None, minimum_vnd: int | None):
    """A shop's own commission rate and smallest payout (None: the marketplace's defaults).
    Orders placed before keep the rate they were placed with."""
    require_admin(user)
    _check_bps(commission_bps)
    if minimum_vnd is not None and not 0 <= minimum_vnd <= MAX_ADJUSTMENT_VND:
        raise PayoutError(_("The smallest payout is 0 to 1,000,000,000 đồng."))
    audit.record(
        "payout.terms",
        shop,
        actor=user,
        commission_bps=commission_bps,
        payout_minimum_vnd=minimum_vnd,
        before=[shop.commission_bps, shop.payout_minimum_vnd],
    )
    shop.commission_bps, shop.payout_minimum_vnd = commission_bps, minimum_vnd
    db.session.commit()


def set_category_commission(user: User, category, commission_bps: int | None) -> None:
    """A category's commission rate (None: its parent's, else the marketplace's)."""
    require_admin(user)
    _check_bps(commission_bps)
    audit.record(
        "payout.category_rate",
        category,
        actor=user,
        commission_bps=commission_bps,
        before=category.commission_bps,
    )
    category.commission_bps = commission_bps
    db.session.commit()


# --- bank details and Stripe Connect --------------------------------------------------------


def update_bank_details(
    user: User, shop: Shop, bank_bin: str, account_no: str, holder: str
) -> None:
    """Where bank payouts go: the bank's 6-digit BIN, the account number and its holder."""
    require_shop_staff(user, shop)
    bank_bin, account_no, holder = (
        _clean(bank_bin),
        re.sub(r"[\s.-]", "", account_no or ""),
        _clean(holder),
    )
    if not BIN.match(bank_bin):
        raise PayoutError(_("A bank BIN has 6 digits (e.g. 970436)."))
    if not ACCOUNT_NO.match(account_no):
        raise PayoutError(_("An account number has 6 to 19 digits."))
    if not 2 <= len(holder) <= 120:
        raise PayoutError(_("Enter the account holder's name as the bank knows it."))
    shop.payout_bank_bin, shop.payout_account_no = bank_bin, account_no
    shop.payout_account_holder = holder
    audit.record("payout.bank_details", shop, actor=user, bank_bin=bank_bin)
    db.session.commit()


def connect_onboarding_url(user: User, shop: Shop, return_url: str, refresh_url: str) -> str:
    """The Stripe Express onboarding link for the shop, creating its account on first use."""
    require_shop_staff(user, shop)
    if not stripe_gateway.is_enabled():
        raise PayoutError(_("Stripe is not set up on this marketplace."))
    account_id = shop.stripe_account_id
    db.session.commit()
    try:
        if not account_id:
            account_id = stripe_gateway.create_connected_account(
                shop_key=str(shop.id), email=user.email
            )
            shop.stripe_account_id = account_id
            audit.record("payout.stripe_account", shop, actor=user, account=account_id)
            db.session.commit()
        return stripe_gateway.create_account_link(
            account_id=account_id, refresh_url=refresh_url, return_url=return_url
        )
    except stripe_gateway.GatewayError as error:
        db.session.rollback()
        raise PayoutError(_("Stripe did not answer: %(error)s", error=str(error))) from error


def refresh_connect_status(shop: Shop) -> bool:
    """Ask Stripe whether the shop's account can receive payouts (after onboarding)."""
    if not shop.stripe_account_id or not stripe_gateway.is_enabled():
        return False
    db.session.commit()
    try:
        account = stripe_gateway.retrieve_account(shop.stripe_account_id)
    except stripe_gateway.GatewayError:
        return shop.stripe_payouts_enabled
    if shop.stripe_payouts_enabled != account.payouts_enabled:
        shop.stripe_payouts_enabled = account.payouts_enabled
        db.session.commit()
    return account.payouts_enabled


# --- batch file -----------------------------------------------------------------------------


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


# --- statements -----------------------------------------------------------------------------


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


# --- the operator's overview ----------------------------------------------------------------


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
