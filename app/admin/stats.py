"""Province statistics for the six-monthly and yearly reports of provincial plans.

Definitions (the page, the CSV and `flask stats report` share them):
- period: calendar days in Vietnam time, both ends included; "2026H1" is 1 Jan–30 Jun 2026,
  "2026H2" 1 Jul–31 Dec, "2026" the whole year.
- a shop belongs to the province of its registered address; orders count for the shop's
  province (where the cooperative is), not the buyer's.
- new cooperatives: registered in the period (refused registrations excluded);
  verified: verified by an admin (or created by the operator) in the period;
  active: open on the marketplace now and verified before the period ended.
- products listed: approved, not hidden products of active shops, created before the end.
- OCOP products: products with an admin-verified certificate valid on the last day of the
  period (or today, if the period is not over), counted under that certificate's stars.
- orders and GMV: shop orders placed in the period and not cancelled; GMV is the value of the
  goods (shipping excluded, before refunds) in đồng.
- buyers: distinct buyers of those orders; foreign when their account language is English
  (the interface language a foreign buyer shops in), domestic otherwise.
- shops with online payments: shops with at least one paid card or bank-transfer order
  placed in the period.
"""

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    OcopCertificate,
    Order,
    PaymentMethod,
    PaymentStatus,
    Product,
    ProductStatus,
    Province,
    Shop,
    ShopOrder,
    ShopOrderStatus,
    ShopStatus,
    User,
)
from app.models.base import VIETNAM, vietnam_today

PERIOD = re.compile(r"^(\d{4})(H[12])?$")


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=VIETNAM)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day, Vietnam time."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=VIETNAM)

    @property
    def label(self) -> str:
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def parse_period(text: str) -> Period:
    """ "2026H1", "2026H2" or "2026"."""
    match = PERIOD.match((text or "").strip().upper())
    if not match:
        raise PeriodError(_l("Write the period as 2026H1, 2026H2 or 2026."))
    year, half = int(match.group(1)), match.group(2)
    if half == "H1":
        return Period(date(year, 1, 1), date(year, 6, 30))
    if half == "H2":
        return Period(date(year, 7, 1), date(year, 12, 31))
    return Period(date(year, 1, 1), date(year, 12, 31))


def period_between(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError(_l("The end date is before the start date."))
    if (last - first).days > 366 * 5:
        raise PeriodError(_l("Choose a period of at most five years."))
    return Period(first, last)


@dataclass
class Figures:
    shops_new: int = 0
    shops_verified: int = 0
    shops_active: int = 0
    products_listed: int = 0
    ocop_3: int = 0
    ocop_4: int = 0
    ocop_5: int = 0
    orders: int = 0
    gmv_vnd: int = 0
    buyers_domestic: int = 0
    buyers_foreign: int = 0
    shops_online_payments: int = 0


COLUMN_LABELS = {
    "shops_new": _l("New cooperatives"),
    "shops_verified": _l("Verified cooperatives"),
    "shops_active": _l("Active cooperatives"),
    "products_listed": _l("Products listed"),
    "ocop_3": _l("OCOP 3★ products"),
    "ocop_4": _l("OCOP 4★ products"),
    "ocop_5": _l("OCOP 5★ products"),
    "orders": _l("Orders"),
    "gmv_vnd": _l("Gross merchandise value (VND)"),
    "buyers_domestic": _l("Domestic buyers"),
    "buyers_foreign": _l("Foreign buyers"),
    "shops_online_payments": _l("Cooperatives with online payments"),
}
COLUMNS = tuple(f.name for f in fields(Figures))


def _values(query: sa.Select, grouped: bool) -> dict[int, int]:
    if not grouped:
        return {0: int(db.session.execute(query).scalar() or 0)}
    query = query.group_by(Shop.province_id)
    return {k: int(v or 0) for k, v in db.session.execute(query).all()}


def _counted_orders(period: Period):
    return (
        ShopOrder.created_at >= period.start,
        ShopOrder.created_at < period.end,
        ShopOrder.status != ShopOrderStatus.CANCELLED,
    )


def compute(period: Period, province: Province | None = None) -> dict[int, Figures]:
    """Figures per province id, plus key 0 for the whole selection (distinct buyers and
    shops are counted once there, so the total is not always the sum of the rows)."""
    result: dict[int, Figures] = {}
    for grouped in (True, False):
        keys = [Shop.province_id] if grouped else []
        scope = [Shop.province_id == province.id] if province is not None else []

        def metric(query: sa.Select, name: str, grouped=grouped, scope=scope) -> None:
            for k, v in _values(query.where(*scope), grouped).items():
                setattr(result.setdefault(k, Figures()), name, v)

        count_shops = sa.select(*keys, sa.func.count(Shop.id)).select_from(Shop)
        metric(
            count_shops.where(
                Shop.created_at >= period.start,
                Shop.created_at < period.end,
                Shop.status != ShopStatus.REJECTED,
            ),
            "shops_new",
        )
        metric(
            count_shops.where(Shop.verified_at >= period.start, Shop.verified_at < period.end),
            "shops_verified",
        )
        metric(
            count_shops.where(Shop.status == ShopStatus.ACTIVE, Shop.verified_at < period.end),
            "shops_active",
        )
        metric(
            sa.select(*keys, sa.func.count(Product.id))
            .join(Product.shop)
            .where(
                Product.status == ProductStatus.APPROVED,
                Product.is_hidden.is_(False),
                Shop.status == ShopStatus.ACTIVE,
                Product.created_at < period.end,
            ),
            "products_listed",
        )
        day = min(period.last, vietnam_today())
        for stars in (3, 4, 5):
            metric(
                sa.select(*keys, sa.func.count(sa.distinct(OcopCertificate.product_id)))
                .join(Product, OcopCertificate.product_id == Product.id)
                .join(Shop, Product.shop_id == Shop.id)
                .where(
                    OcopCertificate.status == "verified",
                    OcopCertificate.stars == stars,
                    OcopCertificate.issued_on <= day,
                    OcopCertificate.expires_on >= day,
                ),
                f"ocop_{stars}",
            )
        orders = sa.select(*keys).select_from(ShopOrder).join(Shop, ShopOrder.shop_id == Shop.id)
        orders = orders.where(*_counted_orders(period))
        metric(orders.add_columns(sa.func.count(ShopOrder.id)), "orders")
        metric(orders.add_columns(sa.func.sum(ShopOrder.items_vnd)), "gmv_vnd")
        buyers = orders.join(Order, ShopOrder.order_id == Order.id).join(
            User, Order.buyer_id == User.id
        )
        distinct_buyers = sa.func.count(sa.distinct(Order.buyer_id))
        metric(buyers.add_columns(distinct_buyers).where(User.locale != "en"), "buyers_domestic")
        metric(buyers.add_columns(distinct_buyers).where(User.locale == "en"), "buyers_foreign")
        metric(
            orders.join(Order, ShopOrder.order_id == Order.id)
            .add_columns(sa.func.count(sa.distinct(ShopOrder.shop_id)))
            .where(
                Order.payment_method.in_(PaymentMethod.PREPAID),
                Order.payment_status != PaymentStatus.UNPAID,
            ),
            "shops_online_payments",
        )
    return result


@dataclass
class Table:
    """What the page shows and the CSV holds, cell for cell."""

    header: list[str]
    rows: list[list[str]]
    figures: dict[int, Figures]
    provinces: list[Province]


def table(period: Period, lang: str, province: Province | None = None) -> Table:
    """Rows for every province with a cooperative (or the chosen one), then the total."""
    figures = compute(period, province)
    if province is not None:
        provinces = [province]
    else:
        with_shops = sa.select(Shop.province_id).distinct()
        provinces = list(
            db.session.scalars(
                sa.select(Province).where(Province.id.in_(with_shops)).order_by(Province.name_vi)
            )
        )
    header = [str(_l("Province")), *(str(COLUMN_LABELS[c]) for c in COLUMNS)]
    rows = []
    for p in provinces:
        name = getattr(p, f"name_{lang}") or p.name_vi
        f = figures.get(p.id, Figures())
        rows.append([name, *(str(getattr(f, c)) for c in COLUMNS)])
    if province is None:
        total = figures.get(0, Figures())
        rows.append([str(_l("All provinces")), *(str(getattr(total, c)) for c in COLUMNS)])
    return Table(header=header, rows=rows, figures=figures, provinces=provinces)


def write_csv(result: Table, out) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.header)
    writer.writerows(result.rows)
