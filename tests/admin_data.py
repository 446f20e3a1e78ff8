"""Test data for the admin area: orders already delivered without going through checkout,
product input for the staff services, and page text as a reader sees it."""

import itertools
import re
from datetime import datetime

from app.catalog.services import ProductInput
from app.extensions import db
from app.models import Order, OrderLine, Product, ShopOrder, ShopOrderStatus, User
from app.models.base import utcnow
from tests.factories import province

_numbers = itertools.count(1)


def shop_order(
    buyer: User,
    product: Product,
    qty: int = 1,
    status: str = ShopOrderStatus.DELIVERED,
    created_at: datetime | None = None,
    payment_method: str = "cod",
    payment_status: str = "unpaid",
) -> ShopOrder:
    """One order of `qty` × `product` by `buyer`, with one shop order in `status`."""
    n = next(_numbers)
    items = product.price_vnd * qty
    created_at = created_at or utcnow()
    order = Order(
        number=f"T{n:06d}",
        buyer_id=buyer.id,
        email=buyer.email,
        locale=buyer.locale,
        contact_name=buyer.name,
        phone="0912345678",
        address="1 Lê Lợi",
        province_id=province("ha-noi").id,
        payment_method=payment_method,
        payment_status=payment_status,
        items_vnd=items,
        shipping_vnd=0,
        total_vnd=items,
        created_at=created_at,
    )
    part = ShopOrder(
        number=f"T{n:06d}-1",
        order=order,
        shop_id=product.shop_id,
        status=status,
        items_vnd=items,
        shipping_vnd=0,
        total_vnd=items,
        created_at=created_at,
    )
    db.session.add_all([order, part])
    db.session.add(
        OrderLine(
            shop_order=part,
            product_id=product.id,
            shop_id=product.shop_id,
            sku=product.sku,
            name_vi=product.name_vi,
            unit_price_vnd=product.price_vnd,
            qty=qty,
        )
    )
    db.session.commit()
    return part


def text_of(response) -> str:
    """The visible text of an HTML response, tags dropped and white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def product_input(sku: str = "NEW-1", name_vi: str = "Sản phẩm mới") -> ProductInput:
    return ProductInput(
        sku=sku,
        name_vi=name_vi,
        name_en="",
        description_vi="",
        description_en="",
        category_id=None,
        price_vnd=1000,
        stock=1,
        unit_vi="",
        unit_en="",
        weight_g=None,
    )
