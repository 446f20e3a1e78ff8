"""What each exhibitor sold through the fair, for its organiser."""

from dataclasses import dataclass

from app.fairs.permissions import require_organiser
from app.models import ExhibitorStatus, Fair, FairExhibitor, User
from app.orders.sales import ShopSales, sales_by_fair


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
    figures = sales_by_fair(fair.id)
    nothing = ShopSales(0, 0, 0)
    return [
        ExhibitorSales(e, **vars(figures.get(e.shop_id, nothing)))
        for e in fair.exhibitors
        if e.status == ExhibitorStatus.ACCEPTED or e.shop_id in figures
    ]
