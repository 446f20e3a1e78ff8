"""The demo's one trade fair: published, with its sections, two exhibitors and a schedule."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    FairSection,
    FairStatus,
    Product,
    ProductStatus,
    ScheduleEvent,
    SectionKind,
    Shop,
    User,
)
from app.shops.services import find_province

SLUG = "hoi-cho-ocop-tay-nguyen-2026"
EXHIBITORS = (("htx-ca-phe-ea-tu", "A01", "Nhà A"), ("htx-che-tan-cuong", "A02", "Nhà A"))
SECTIONS = (
    (
        SectionKind.TEXT,
        ("Giới thiệu hội chợ", "About the fair"),
        (
            "<p>Hội chợ giới thiệu sản phẩm <strong>OCOP</strong> của các hợp tác xã vùng "
            "Tây Nguyên và trung du. Mua tại gian hàng hoặc trực tuyến ngay trên trang này.</p>",
            "<p>A showcase of <strong>OCOP</strong> products from cooperatives of the Central "
            "Highlands and the midlands. Buy at the booths or online, right on this page.</p>",
        ),
    ),
    (SectionKind.PRODUCTS, ("Sản phẩm nổi bật", "Featured products"), ("", "")),
    (SectionKind.EXHIBITORS, ("Đơn vị tham gia", "Exhibitors"), ("", "")),
    (SectionKind.SCHEDULE, ("Lịch sự kiện", "Schedule"), ("", "")),
    (SectionKind.BOOTH_MAP, ("Sơ đồ gian hàng", "Booth map"), ("", "")),
    (
        SectionKind.SHOP,
        ("Mua sắm tại hội chợ", "Shop the fair"),
        (
            "<p>Tất cả sản phẩm của các đơn vị tham gia.</p>",
            "<p>Every product of the exhibitors.</p>",
        ),
    ),
)
EVENTS = (
    (
        datetime(2026, 12, 10, 1, 30, tzinfo=UTC),
        "Khai mạc hội chợ",
        "Opening ceremony",
        "Sân khấu chính",
        "",
    ),  # fmt: skip
    (
        datetime(2026, 12, 11, 7, 0, tzinfo=UTC),
        "Hội thảo: đưa sản phẩm OCOP lên sàn thương mại điện tử",
        "Workshop: OCOP products on e-commerce floors",
        "Hội trường B",
        "Phạm Quốc Hùng",
    ),  # fmt: skip
)


def ensure_demo_fair(organiser: User, shops: dict[str, Shop]) -> int:
    """Add the demo fair unless it exists (1 when created); the caller commits."""
    if db.session.scalar(sa.select(Fair.id).where(Fair.slug == SLUG)) is not None:
        return 0
    fair = Fair(
        slug=SLUG,
        organiser=organiser,
        name_vi="Hội chợ OCOP Tây Nguyên 2026",
        name_en="Central Highlands OCOP Fair 2026",
        description_vi="Năm ngày giới thiệu sản phẩm OCOP của các hợp tác xã.",
        description_en="Five days of OCOP products from cooperatives.",
        theme_vi="Sản phẩm OCOP vùng Tây Nguyên",
        theme_en="OCOP products of the Central Highlands",
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 14),
        province=find_province("dak-lak"),
        address="Quảng trường 10/3, Buôn Ma Thuột",
        map_url="https://www.openstreetmap.org/#map=16/12.6797/108.0378",
        status=FairStatus.PUBLISHED,
    )
    for position, (kind, titles, bodies) in enumerate(SECTIONS, start=1):
        fair.sections.append(
            FairSection(
                kind=kind,
                position=position,
                title_vi=titles[0],
                title_en=titles[1],
                body_vi=bodies[0],
                body_en=bodies[1],
            )
        )
    for shop_slug, booth, hall in EXHIBITORS:
        shop = shops[shop_slug]
        exhibitor = FairExhibitor(
            shop=shop, status=ExhibitorStatus.ACCEPTED, booth=booth, hall=hall
        )
        products = db.session.scalars(
            sa.select(Product)
            .where(Product.shop_id == shop.id, Product.status == ProductStatus.APPROVED)
            .order_by(Product.id)
            .limit(3)
        )
        for position, product in enumerate(products, start=1):
            exhibitor.featured.append(FairFeaturedProduct(product=product, position=position))
        fair.exhibitors.append(exhibitor)
    for starts_at, title_vi, title_en, place, speaker in EVENTS:
        fair.events.append(
            ScheduleEvent(
                starts_at=starts_at,
                title_vi=title_vi,
                title_en=title_en,
                place=place,
                speaker=speaker,
            )
        )
    db.session.add(fair)
    return 1
