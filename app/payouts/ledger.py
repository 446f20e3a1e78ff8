"""Posting to the ledger: commission, sales, refunds, releases and balances.

These functions add to the caller's transaction and never commit: a sale is booked by the
same commit that marks the shop order delivered, a refund by the one that settles it. Each
posting has a key naming its cause, so a second call for the same event is a no-op.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.extensions import db
from app.models import (
    AccountKind,
    Category,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Order,
    OrderLine,
    Product,
    Refund,
    RefundStatus,
    Shop,
    ShopOrder,
    TransactionKind,
    User,
)
from app.models.base import UTCDateTime, utcnow
from app.orders.states import LEFT_THE_COOPERATIVE
from app.payments.received import money_received_clause
from app.tax import withholding

K = AccountKind
BPS = 10_000


class LedgerError(ValueError):
    """A posting that would break the books (entries not summing to zero)."""


# --- commission -----------------------------------------------------------------------------


def default_commission_bps() -> int:
    return int(current_app.config["COMMISSION_BPS"])


def shop_commission_bps(shop: Shop) -> int:
    """The shop's own rate when the operator set one, else the marketplace's."""
    return shop.commission_bps if shop.commission_bps is not None else default_commission_bps()


def line_commission_bps(shop: Shop, category: Category | None) -> int:
    """A negotiated shop rate wins; then the category's (or its parent's); then the default."""
    if shop.commission_bps is not None:
        return shop.commission_bps
    while category is not None:
        if category.commission_bps is not None:
            return category.commission_bps
        category = category.parent
    return default_commission_bps()


def product_commission_bps(product: Product) -> int:
    return line_commission_bps(product.shop, product.category)


def commission_of(amount_vnd: int, bps: int) -> int:
    """Commission on an amount, rounded half up to the đồng."""
    return (amount_vnd * bps + BPS // 2) // BPS


def _line_bps(line: OrderLine) -> int:
    # Orders placed before the snapshot existed use today's default.
    return line.commission_bps if line.commission_bps is not None else default_commission_bps()


# --- accounts and postings ------------------------------------------------------------------


def account_code(shop_id: int | None, kind: str) -> str:
    return f"shop:{shop_id}:{kind}" if shop_id is not None else f"market:{kind}"


def account_ids(shop_ids: list[int | None]) -> dict[tuple[int | None, str], int]:
    """{(shop id or None, kind): account id}, creating the missing accounts in bulk."""
    wanted = {
        account_code(shop_id, kind): (shop_id, kind)
        for shop_id in set(shop_ids)
        for kind in (K.SHOP if shop_id is not None else K.MARKET)
    }
    found = dict(
        db.session.execute(
            sa.select(LedgerAccount.code, LedgerAccount.id).where(
                LedgerAccount.code.in_(list(wanted))
            )
        ).all()
    )
    missing = [code for code in wanted if code not in found]
    if missing:
        db.session.execute(
            sa.insert(LedgerAccount),
            [{"code": c, "shop_id": wanted[c][0], "kind": wanted[c][1]} for c in missing],
        )
        found.update(
            db.session.execute(
                sa.select(LedgerAccount.code, LedgerAccount.id).where(
                    LedgerAccount.code.in_(missing)
                )
            ).all()
        )
    return {wanted[code]: account_id for code, account_id in found.items()}


def _transaction(key: str) -> LedgerTransaction | None:
    return db.session.scalar(sa.select(LedgerTransaction).where(LedgerTransaction.key == key))


def is_posted(key: str) -> bool:
    return (
        db.session.scalar(sa.select(LedgerTransaction.id).where(LedgerTransaction.key == key))
        is not None
    )


def post(
    key: str,
    kind: str,
    amounts: dict[tuple[int | None, str], int],
    *,
    shop_id: int | None = None,
    shop_order_id: int | None = None,
    refund_id: int | None = None,
    payout_id: int | None = None,
    actor: User | None = None,
    memo: str = "",
    when: datetime | None = None,
) -> LedgerTransaction | None:
    """Write one balanced transaction, {(shop id or None, account kind): amount}.

    Returns None, writing nothing, when the key was posted before (the event is known).
    """
    if sum(amounts.values()) != 0:
        raise LedgerError(f"{key}: entries sum to {sum(amounts.values())}, not zero")
    if is_posted(key):
        return None
    ids = account_ids([owner for owner, _kind in amounts])
    transaction = LedgerTransaction(
        key=key,
        kind=kind,
        shop_id=shop_id,
        shop_order_id=shop_order_id,
        refund_id=refund_id,
        payout_id=payout_id,
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        memo=memo[:255],
        created_at=when or utcnow(),
    )
    for account, amount in amounts.items():
        if amount:
            transaction.entries.append(LedgerEntry(account_id=ids[account], amount_vnd=amount))
    db.session.add(transaction)
    db.session.flush()
    return transaction


def shop_order_sum(shop_order_id: int, kinds: tuple[str, ...]) -> int:
    """What a shop order's transactions put on accounts of these kinds (shop or market)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_vnd), 0))
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerEntry.account_id == LedgerAccount.id)
        .where(LedgerTransaction.shop_order_id == shop_order_id, LedgerAccount.kind.in_(kinds))
    )


# --- events ---------------------------------------------------------------------------------


def _sale_commission(shop_order: ShopOrder) -> int:
    return sum(commission_of(line.total_vnd, _line_bps(line)) for line in shop_order.lines)


def post_sale(shop_order: ShopOrder, actor: User | None = None) -> LedgerTransaction | None:
    """Delivered: the shop's pending balance gets lines plus shipping, minus the commission.

    Money refunded while the order was still at the cooperative (in the Stripe dashboard)
    waited for the sale: it is booked right after it.
    """
    sale = _post_sale(shop_order, actor)
    if sale is not None:
        waiting = db.session.scalars(
            sa.select(Refund)
            .where(
                Refund.shop_order_id == shop_order.id,
                Refund.status.in_((RefundStatus.SUCCEEDED, RefundStatus.MANUAL)),
                Refund.on_cancel.is_(False),
            )
            .order_by(Refund.id)
        )
        for refund in waiting:
            post_refund(refund, actor)  # no-op for those already booked
    return sale


def _post_sale(shop_order: ShopOrder, actor: User | None) -> LedgerTransaction | None:
    commission = _sale_commission(shop_order)
    gross = shop_order.items_vnd + shop_order.shipping_vnd
    shop = shop_order.shop_id
    # A household or individual seller's VAT and PIT stay with the floor, which files them.
    withheld = withholding.on_sale(shop_order) if not is_posted(f"sale:{shop_order.id}") else None
    tax = withheld.tax_vnd if withheld else 0
    sale = post(
        f"sale:{shop_order.id}",
        TransactionKind.SALE,
        {
            (None, K.CLEARING): -gross,
            (shop, K.PENDING): gross - commission - tax,
            (None, K.COMMISSION): commission,
            (None, K.TAX_WITHHELD): tax,
        },
        shop_id=shop,
        shop_order_id=shop_order.id,
        actor=actor,
        memo=shop_order.number,
    )
    if sale is not None and withheld is not None:
        withholding.record(shop_order, sale, withheld)
    return sale


def is_released(shop_order_id: int) -> bool:
    return is_posted(f"release:{shop_order_id}")


def post_refund(refund: Refund, actor: User | None = None) -> LedgerTransaction | None:
    """Money given back: the shop gives its share back, the marketplace its commission.

    Before the return window ends this comes off pending, after it off available (which a
    payout may already have emptied: the balance then goes negative and is carried forward).
    A refund of something never sold (a cancelled order) leaves the ledger alone; money
    refunded without goods before the parcel left waits for the sale (post_sale books it).
    A refund of goods takes back their commission; one of money only, the commission in
    proportion to the shop order's total.
    """
    if refund.status not in (RefundStatus.SUCCEEDED, RefundStatus.MANUAL):
        return None
    shop_order = refund.shop_order
    db.session.flush()  # the refund's id names the posting
    if not is_posted(f"sale:{shop_order.id}"):
        if refund.on_cancel or (not refund.lines and shop_order.status not in LEFT_THE_COOPERATIVE):
            return None
        # Refunded in transit: it left the cooperative all the same. The sale books this refund.
        post_sale(shop_order, actor)
        return _transaction(f"refund:{refund.id}")
    commission_left = shop_order_sum(shop_order.id, (K.COMMISSION,))
    if refund.lines:
        share = sum(
            commission_of(line.amount_vnd, _line_bps(line.order_line)) for line in refund.lines
        )
    else:
        share = _sale_commission(shop_order) * refund.amount_vnd // max(shop_order.total_vnd, 1)
    if all(line.refunded_qty >= line.qty for line in shop_order.lines) or (
        shop_order.refunded_vnd >= shop_order.total_vnd
    ):
        share = commission_left  # the last refund takes back exactly what is left
    last = all(line.refunded_qty >= line.qty for line in shop_order.lines) or (
        shop_order.refunded_vnd >= shop_order.total_vnd
    )
    share = max(0, min(share, commission_left))
    account = K.AVAILABLE if is_released(shop_order.id) else K.PENDING
    shop = shop_order.shop_id
    # Withheld tax goes back in proportion: the refund offsets it in the period it is booked.
    given_back = (
        withholding.on_refund(refund, last) if not is_posted(f"refund:{refund.id}") else None
    )
    tax = -given_back.tax_vnd if given_back else 0
    booked = post(
        f"refund:{refund.id}",
        TransactionKind.REFUND,
        {
            (shop, account): -(refund.amount_vnd - share - tax),
            (None, K.COMMISSION): -share,
            (None, K.TAX_WITHHELD): -tax,
            (None, K.REFUNDS): refund.amount_vnd,
        },
        shop_id=shop,
        shop_order_id=shop_order.id,
        refund_id=refund.id,
        actor=actor,
        memo=refund.reason,
    )
    if booked is not None and given_back is not None:
        withholding.record(shop_order, booked, given_back, refund)
    return booked


def return_window() -> timedelta:
    return timedelta(days=int(current_app.config["RETURN_WINDOW_DAYS"]))


def release_due(until: datetime) -> int:
    """Move to available every sale whose return window ended by `until` and whose money
    arrived. Returns how many. All in SQL (INSERT ... SELECT): a run over a hundred thousand
    orders neither loads them into memory nor sends them back and forth."""
    cutoff = until - return_window()
    sale = so.aliased(LedgerTransaction)
    released = so.aliased(LedgerTransaction)
    due = (
        sa.select(sale.shop_order_id, sale.shop_id)
        .join(ShopOrder, ShopOrder.id == sale.shop_order_id)
        .join(Order, Order.id == ShopOrder.order_id)
        .where(
            sale.kind == TransactionKind.SALE,
            sale.created_at <= cutoff,
            money_received_clause(),
            ~sa.exists().where(
                released.shop_order_id == sale.shop_order_id,
                released.kind == TransactionKind.RELEASE,
            ),
        )
    )
    due_rows = due.subquery()
    shop_ids = db.session.scalars(sa.select(due_rows.c.shop_id).distinct()).all()
    if not shop_ids:
        return 0
    account_ids(shop_ids)  # every shop's available account exists before the entries
    now = utcnow()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(due_rows))
    db.session.execute(
        sa.insert(LedgerTransaction).from_select(
            ["key", "kind", "shop_id", "shop_order_id", "memo", "created_at"],
            sa.select(
                sa.literal("release:") + sa.cast(due_rows.c.shop_order_id, sa.String),
                sa.literal(TransactionKind.RELEASE),
                due_rows.c.shop_id,
                due_rows.c.shop_order_id,
                sa.literal(""),
                sa.literal(now, UTCDateTime),
            ),
        )
    )
    # What is still pending of each released shop order: its sale minus refunds so far.
    release = so.aliased(LedgerTransaction)
    earlier = so.aliased(LedgerTransaction)
    pending = so.aliased(LedgerAccount)
    available = so.aliased(LedgerAccount)
    remaining = (
        sa.select(
            release.id.label("transaction_id"),
            pending.id.label("pending_id"),
            available.id.label("available_id"),
            sa.func.sum(LedgerEntry.amount_vnd).label("amount"),
        )
        .join(
            earlier,
            sa.and_(earlier.shop_order_id == release.shop_order_id, earlier.id != release.id),
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == earlier.id)
        .join(pending, sa.and_(pending.id == LedgerEntry.account_id, pending.kind == K.PENDING))
        .join(
            available,
            sa.and_(available.shop_id == release.shop_id, available.kind == K.AVAILABLE),
        )
        .where(release.kind == TransactionKind.RELEASE, release.created_at == now)
        .group_by(release.id, pending.id, available.id)
        .having(sa.func.sum(LedgerEntry.amount_vnd) != 0)
        .subquery()
    )
    for account, sign in ((remaining.c.pending_id, -1), (remaining.c.available_id, 1)):
        db.session.execute(
            sa.insert(LedgerEntry).from_select(
                ["transaction_id", "account_id", "amount_vnd"],
                sa.select(remaining.c.transaction_id, account, sign * remaining.c.amount),
            )
        )
    return count


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose entries do not sum to zero: always empty, or the books are
    broken (a check for tests and for the operator)."""
    return list(
        db.session.scalars(
            sa.select(LedgerEntry.transaction_id)
            .group_by(LedgerEntry.transaction_id)
            .having(sa.func.sum(LedgerEntry.amount_vnd) != 0)
        )
    )


# --- balances -------------------------------------------------------------------------------


@dataclass
class Balance:
    shop: str
    pending_vnd: int = 0
    available_vnd: int = 0
    paid_out_vnd: int = 0

    @property
    def balance_vnd(self) -> int:
        """What the marketplace owes the shop (negative: owed back, netted next time)."""
        return self.pending_vnd + self.available_vnd

    def as_dict(self) -> dict:
        return {
            "shop": self.shop,
            "pending_vnd": self.pending_vnd,
            "available_vnd": self.available_vnd,
            "paid_out_vnd": self.paid_out_vnd,
            "balance_vnd": self.balance_vnd,
        }


def account_sums(shop_ids: list[int] | None = None, until: datetime | None = None) -> dict:
    """{(shop id or None, kind): sum of entries}, optionally before a moment."""
    query = (
        sa.select(LedgerAccount.shop_id, LedgerAccount.kind, sa.func.sum(LedgerEntry.amount_vnd))
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .group_by(LedgerAccount.shop_id, LedgerAccount.kind)
    )
    if shop_ids is not None:
        query = query.where(LedgerAccount.shop_id.in_(shop_ids))
    if until is not None:
        query = query.join(
            LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id
        ).where(LedgerTransaction.created_at < until)
    return {(shop_id, kind): int(total) for shop_id, kind, total in db.session.execute(query)}


def balances(shops: list[Shop]) -> dict[int, Balance]:
    sums = account_sums([shop.id for shop in shops])
    return {
        shop.id: Balance(
            shop=shop.slug,
            pending_vnd=sums.get((shop.id, K.PENDING), 0),
            available_vnd=sums.get((shop.id, K.AVAILABLE), 0),
            paid_out_vnd=sums.get((shop.id, K.PAID_OUT), 0),
        )
        for shop in shops
    }


def balance(shop: Shop) -> Balance:
    return balances([shop])[shop.id]
