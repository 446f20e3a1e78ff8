"""Sales figures read from the order tables, for the blueprints that report on them (a fair's
organiser sees what its page sold): the orders blueprint owns those tables, so the sums that
decide what counts as a sale live here."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import OrderLine, ShopOrder, ShopOrderStatus


@dataclass(frozen=True)
class ShopSales:
    orders: int
    units: int
    gmv_vnd: int


def sales_by_fair(fair_id: int) -> dict[int, ShopSales]:
    """Per shop id: shop orders, units and GMV of the order lines bought through the fair's
    page (cancelled shop orders left out). Shops that sold nothing there are absent."""
    rows = db.session.execute(
        sa.select(
            OrderLine.shop_id,
            sa.func.count(sa.distinct(OrderLine.shop_order_id)),
            sa.func.sum(OrderLine.qty),
            sa.func.sum(OrderLine.qty * OrderLine.unit_price_vnd),
        )
        .join(ShopOrder, ShopOrder.id == OrderLine.shop_order_id)
        .where(OrderLine.fair_id == fair_id, ShopOrder.status != ShopOrderStatus.CANCELLED)
        .group_by(OrderLine.shop_id)
    )
    return {
        shop_id: ShopSales(int(orders or 0), int(units or 0), int(gmv or 0))
        for shop_id, orders, units, gmv in rows
    }
