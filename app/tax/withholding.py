"""How much tax a household or individual seller's sale or refund withholds.

The ledger calls these while it books a sale or a refund, so the amounts land in the same
transaction (on the market's `tax_withheld` account) and the TaxWithholding row that explains
them is written beside it.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Product, Refund, SellerKind, ShopOrder, TaxWithholding
from app.tax.rates import rate_for

BPS = 10_000


def of(amount_vnd: int, bps: int) -> int:
    """A percentage of an amount, rounded half up to the đồng."""
    return (amount_vnd * bps + BPS // 2) // BPS


@dataclass
class Withheld:
    revenue_vnd: int
    vat_vnd: int
    pit_vnd: int
    rates: str

    @property
    def tax_vnd(self) -> int:
        return self.vat_vnd + self.pit_vnd


def withholds(shop_order: ShopOrder) -> bool:
    return shop_order.shop.seller_kind == SellerKind.HOUSEHOLD


def on_sale(shop_order: ShopOrder) -> Withheld | None:
    """Each line at its kind's rates; shipping charged by the seller at the goods rate."""
    if not withholds(shop_order):
        return None
    vat = pit = 0
    used = {}
    for line in shop_order.lines:
        product = db.session.get(Product, line.product_id) if line.product_id else None
        category = product.category if product is not None else None
        rate = rate_for(category.slug if category else None)
        vat += of(line.total_vnd, rate.vat_bps)
        pit += of(line.total_vnd, rate.pit_bps)
        used[rate.kind] = rate
    if shop_order.shipping_vnd:
        rate = rate_for(None)
        vat += of(shop_order.shipping_vnd, rate.vat_bps)
        pit += of(shop_order.shipping_vnd, rate.pit_bps)
        used[rate.kind] = rate
    rates = ",".join(f"{r.kind}:{r.vat_bps}/{r.pit_bps}" for r in used.values())
    return Withheld(shop_order.items_vnd + shop_order.shipping_vnd, vat, pit, rates)


def withheld_so_far(shop_order_id: int) -> Withheld:
    revenue, vat, pit = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(TaxWithholding.revenue_vnd), 0),
            sa.func.coalesce(sa.func.sum(TaxWithholding.vat_vnd), 0),
            sa.func.coalesce(sa.func.sum(TaxWithholding.pit_vnd), 0),
        ).where(TaxWithholding.shop_order_id == shop_order_id)
    ).one()
    return Withheld(revenue, vat, pit, "")


def on_refund(refund: Refund, last: bool) -> Withheld | None:
    """Money given back takes back its share of the tax, in proportion to the shop order's
    total (the last refund exactly what is left): negative amounts."""
    shop_order = refund.shop_order
    if not withholds(shop_order):
        return None
    left = withheld_so_far(shop_order.id)
    if left.tax_vnd == 0 and left.revenue_vnd == 0:
        return None
    if last:
        vat, pit = left.vat_vnd, left.pit_vnd
    else:
        total = max(shop_order.total_vnd, 1)
        vat = min(left.vat_vnd, left.vat_vnd * refund.amount_vnd // total)
        pit = min(left.pit_vnd, left.pit_vnd * refund.amount_vnd // total)
    revenue = min(refund.amount_vnd, left.revenue_vnd)
    return Withheld(-revenue, -vat, -pit, "")


def record(shop_order: ShopOrder, transaction, withheld: Withheld, refund: Refund | None = None):
    db.session.add(
        TaxWithholding(
            shop_id=shop_order.shop_id,
            shop_order_id=shop_order.id,
            refund_id=refund.id if refund is not None else None,
            ledger_transaction_id=transaction.id,
            revenue_vnd=withheld.revenue_vnd,
            vat_vnd=withheld.vat_vnd,
            pit_vnd=withheld.pit_vnd,
            rates=withheld.rates,
            created_at=transaction.created_at,
        )
    )
