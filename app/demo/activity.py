"""What happens on the demo marketplace: orders in several states, a review with the shop's
answer, an open report and a cooperative waiting for verification, so that the buyer's,
staff's and admin's pages have something to show.

Made through the services the pages use (so stock, payments and the ledger agree with each
other), once: each piece is skipped when it exists, and what a demo user did is left alone.
"""

from dataclasses import replace

import sqlalchemy as sa

from app.catalog.services import public_products_query
from app.demo import images
from app.extensions import db
from app.models import Order, Product, Report, Shop, ShopOrder, User
from app.orders import cart
from app.orders import services as orders
from app.orders.checkout import Delivery, place_order
from app.reports.services import file_report
from app.reviews.services import reply_to, save_review
from app.shops.services import Registration, find_province, register_shop

DELIVERY = Delivery(
    name="Nguyễn Thị Lan",
    phone="0912345678",
    address="Số 12 ngõ 45 phố Trần Duy Hưng",
    commune="phường Yên Hòa",
    province="ha-noi",
)
APPLICANT = Registration(
    name_vi="Hợp tác xã Mây tre đan Phú Vinh",
    name_en="Phu Vinh Rattan and Bamboo Cooperative",
    tax_code="0500463715",
    province_id=0,  # set from the slug below
    commune="xã Phú Nghĩa",
    address="Thôn Phú Vinh",
    phone="02433865521",
    legal_representative="Đinh Văn Tâm",
)


def ensure_demo_activity(users: dict[str, User], shops: dict[str, Shop]) -> int:
    """Create the missing pieces; returns how many orders were placed."""
    buyer = users["buyer@chohtx.vn"]
    placed = 0
    if db.session.scalar(sa.select(Order.id).where(Order.buyer_id == buyer.id).limit(1)) is None:
        placed = _orders_and_review(buyer, users, shops)
    if db.session.scalar(sa.select(Report.id).where(Report.reporter_id == buyer.id)) is None:
        sauce = _products(shops["htx-nuoc-mam-phu-quoc"], 2)[-1]
        file_report(
            buyer,
            "127.0.0.1",
            "product",
            sauce.id,
            "misleading",
            "Ảnh trên trang là bao bì cũ, chai nhận được có nhãn khác.",
        )
    applicant = users["applicant@chohtx.vn"]
    if db.session.scalar(sa.select(Shop.id).where(Shop.registered_by_id == applicant.id)) is None:
        _register_applicants_cooperative(applicant)
    return placed


def _products(shop: Shop, n: int) -> list[Product]:
    """The shop's first `n` products on sale with some stock."""
    query = public_products_query().where(Product.shop_id == shop.id, Product.stock >= 5)
    return list(db.session.scalars(query.order_by(None).order_by(Product.id).limit(n)).unique())


def _order(buyer: User, lines: list[tuple[Product, int]]) -> Order:
    for product, qty in lines:
        cart.add_item(buyer, product.id, qty)
    return place_order(buyer, DELIVERY, "cod", "vi")


def _part(order: Order, shop: Shop) -> ShopOrder:
    return next(part for part in order.shop_orders if part.shop_id == shop.id)


def _orders_and_review(buyer: User, users: dict[str, User], shops: dict[str, Shop]) -> int:
    """Two cash-on-delivery orders: coffee delivered (and reviewed, and answered) with fish
    sauce from a second cooperative still to pack; then more coffee on its way."""
    coffee_shop, sauce_shop = shops["htx-ca-phe-ea-tu"], shops["htx-nuoc-mam-phu-quoc"]
    staff = users["staff@chohtx.vn"]
    coffee, more_coffee = _products(coffee_shop, 2)
    sauce = _products(sauce_shop, 1)[0]

    first = _order(buyer, [(coffee, 2), (sauce, 1)])
    delivered = _part(first, coffee_shop)
    orders.pack(staff, delivered)
    orders.ship(staff, delivered, "Viettel Post", "VTP2611300001")
    orders.deliver(staff, delivered)
    review = save_review(
        buyer,
        coffee,
        5,
        "Cà phê thơm, rang vừa tới, đóng gói kỹ. Giao ra Hà Nội trong ba ngày.",
        "vi",
    )
    reply_to(staff, review, "Cảm ơn chị Lan đã ủng hộ hợp tác xã! Hẹn chị vụ mùa sau.")

    second = _order(buyer, [(more_coffee, 1)])
    on_its_way = _part(second, coffee_shop)
    orders.pack(staff, on_its_way)
    orders.ship(staff, on_its_way, "Giao Hàng Nhanh", "GHN5LK8QX2")
    return 2


def _register_applicants_cooperative(applicant: User) -> None:
    province = find_province("ha-noi")
    scan = images.registration_certificate(
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỢP TÁC XÃ",
        [
            f"Tên hợp tác xã: {APPLICANT.name_vi}",
            f"Mã số hợp tác xã: {APPLICANT.tax_code}",
            f"Địa chỉ: {APPLICANT.address}, {APPLICANT.commune}, Hà Nội",
            f"Người đại diện theo pháp luật: {APPLICANT.legal_representative}",
            "Đăng ký lần đầu: 14/03/2019",
        ],
    )
    register_shop(
        applicant,
        replace(APPLICANT, province_id=province.id),
        [("giay-chung-nhan-dang-ky-htx.png", scan)],
    )
