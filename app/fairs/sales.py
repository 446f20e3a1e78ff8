"""What each exhibitor sold through the fair, for its organiser."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.fairs.permissions import require_organiser
from app.models import (
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    OrderLine,
    ShopOrder,
    ShopOrderStatus,
    User,
)


@dataclass
class ExhibitorSales:
    exhibitor: FairExhibitor
    orders: int
    units: int
    gmv_vnd: int


def sales_by_exhibitor(user: User, fair: Fair) -> list[ExhibitorSales]:
    """Orders and GMV per exhibitor, counting only order lines bought through the fair page
    (cancelled shop orders left out)."""
    require_organiser(user, fair)
    rows = db.session.execute(
        sa.select(
            OrderLine.shop_id,
            sa.func.count(sa.distinct(OrderLine.shop_order_id)),
            sa.func.sum(OrderLine.qty),
            sa.func.sum(OrderLine.qty * OrderLine.unit_price_vnd),
        )
        .join(ShopOrder, ShopOrder.id == OrderLine.shop_order_id)
        .where(OrderLine.fair_id == fair.id, ShopOrder.status != ShopOrderStatus.CANCELLED)
        .group_by(OrderLine.shop_id)
    )
    figures = {shop_id: (orders, units, gmv) for shop_id, orders, units, gmv in rows}
    return [
        ExhibitorSales(e, *(int(x or 0) for x in figures.get(e.shop_id, (0, 0, 0))))
        for e in fair.exhibitors
        if e.status == ExhibitorStatus.ACCEPTED or e.shop_id in figures
    ]
