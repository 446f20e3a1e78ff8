"""The public fair page: its exhibitor directory with filters, exhibitor pages, and the
fair that a cart line was added from.
"""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.fairs.permissions import fair_by_slug
from app.models import (
    Category,
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    OcopCertificate,
    Product,
    ProductStatus,
    Province,
    Shop,
    ShopStatus,
)
from app.models.base import vietnam_today


@dataclass
class DirectoryFilters:
    province: str | None = None
    category: str | None = None
    ocop: bool = False

    def active(self) -> bool:
        return bool(self.province or self.category or self.ocop)


@dataclass
class FairPage:
    fair: Fair
    exhibitors: list[FairExhibitor]  # accepted, by hall and booth
    directory: list[FairExhibitor]  # the same, filtered
    featured: list[tuple[FairExhibitor, Product]]
    provinces: list[Province]
    categories: list[Category]
    filters: DirectoryFilters


def accepted_exhibitors(fair: Fair) -> list[FairExhibitor]:
    rows = db.session.scalars(
        sa.select(FairExhibitor)
        .join(FairExhibitor.shop)
        .where(
            FairExhibitor.fair_id == fair.id,
            FairExhibitor.status == ExhibitorStatus.ACCEPTED,
            Shop.status == ShopStatus.ACTIVE,
        )
        .options(
            so.contains_eager(FairExhibitor.shop).joinedload(Shop.province),
            so.selectinload(FairExhibitor.featured)
            .joinedload(FairFeaturedProduct.product)
            .selectinload(Product.images),
        )
    )
    return sorted(rows, key=lambda e: (e.hall, e.booth.zfill(8), e.shop.name_vi))


def _shops_in_category(shop_ids: list[int], category: Category) -> set[int]:
    ids = [category.id] + [c.id for c in category.children]
    return set(
        db.session.scalars(
            sa.select(Product.shop_id)
            .where(
                Product.shop_id.in_(shop_ids),
                Product.category_id.in_(ids),
                Product.status == ProductStatus.APPROVED,
                Product.is_hidden.is_(False),
            )
            .distinct()
        )
    )


def _shops_with_ocop(shop_ids: list[int]) -> set[int]:
    today = vietnam_today()
    return set(
        db.session.scalars(
            sa.select(Product.shop_id)
            .join(OcopCertificate, OcopCertificate.product_id == Product.id)
            .where(
                Product.shop_id.in_(shop_ids),
                Product.status == ProductStatus.APPROVED,
                OcopCertificate.status == "verified",
                OcopCertificate.issued_on <= today,
                OcopCertificate.expires_on >= today,
            )
            .distinct()
        )
    )


def fair_page(fair: Fair, filters: DirectoryFilters) -> FairPage:
    """What the sections of the public page show."""
    exhibitors = accepted_exhibitors(fair)
    shop_ids = [e.shop_id for e in exhibitors]
    directory = exhibitors
    if filters.province:
        directory = [e for e in directory if e.shop.province.slug == filters.province]
    categories = list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.parent_id.is_(None))
            .order_by(Category.position, Category.id)
        )
    )
    if filters.category:
        category = next((c for c in categories if c.slug == filters.category), None)
        in_category = _shops_in_category(shop_ids, category) if category else set()
        directory = [e for e in directory if e.shop_id in in_category]
    if filters.ocop:
        with_ocop = _shops_with_ocop(shop_ids)
        directory = [e for e in directory if e.shop_id in with_ocop]
    provinces = sorted({e.shop.province for e in exhibitors}, key=lambda p: p.name_vi)
    featured = [(e, f.product) for e in exhibitors for f in e.featured if f.product.is_public]
    return FairPage(fair, exhibitors, directory, featured, provinces, categories, filters)


def public_exhibitor(fair: Fair, shop_slug: str) -> FairExhibitor:
    exhibitor = next((e for e in accepted_exhibitors(fair) if e.shop.slug == shop_slug), None)
    if exhibitor is None:
        raise NotFound()
    return exhibitor


def exhibitor_shop_slugs(fair_slug: str) -> list[str] | None:
    """The shops exhibiting at a public fair, for the search filter; None for no such fair."""
    fair = fair_by_slug(fair_slug)
    if fair is None or not fair.is_public:
        return None
    return [e.shop.slug for e in accepted_exhibitors(fair)]


def attributed_fair_id(fair_slug: str | None, product_id: int) -> int | None:
    """The fair a cart addition came through: a public fair where the product's shop exhibits."""
    if not fair_slug:
        return None
    fair = fair_by_slug(fair_slug)
    product = db.session.get(Product, product_id)
    if fair is None or not fair.is_public or product is None:
        return None
    exhibits = db.session.scalar(
        sa.select(FairExhibitor.id).where(
            FairExhibitor.fair_id == fair.id,
            FairExhibitor.shop_id == product.shop_id,
            FairExhibitor.status == ExhibitorStatus.ACCEPTED,
        )
    )
    return fair.id if exhibits else None
