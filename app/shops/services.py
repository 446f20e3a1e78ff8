"""Cooperative shops: lookups, the one staff permission check, profile changes."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from app.extensions import db
from app.media import delete_image, store_image
from app.models import Product, ProductStatus, Province, Shop, ShopMember, ShopStatus, User
from app.text import slugify
from app.validators import is_tax_code


class ShopError(ValueError):
    """A rule was broken; the message is for the user or operator."""


def shop_by_slug(slug: str) -> Shop | None:
    return db.session.scalar(sa.select(Shop).where(Shop.slug == slug))


def public_shop_by_slug(slug: str) -> Shop | None:
    shop = shop_by_slug(slug)
    return shop if shop is not None and shop.is_public else None


def public_shops_query() -> sa.Select:
    return (
        sa.select(Shop)
        .where(Shop.status == ShopStatus.ACTIVE)
        .options(so.joinedload(Shop.province))
        .order_by(Shop.name_vi)
    )


def featured_shops(limit: int = 6) -> list[Shop]:
    query = public_shops_query().order_by(None).order_by(Shop.is_featured.desc(), Shop.id)
    return list(db.session.scalars(query.limit(limit)))


def public_product_counts(shop_ids: list[int]) -> dict[int, int]:
    if not shop_ids:
        return {}
    rows = db.session.execute(
        sa.select(Product.shop_id, sa.func.count())
        .where(
            Product.shop_id.in_(shop_ids),
            Product.status == ProductStatus.APPROVED,
            Product.is_hidden.is_(False),
        )
        .group_by(Product.shop_id)
    )
    return dict(rows.all())


def all_provinces() -> list[Province]:
    return list(db.session.scalars(sa.select(Province).order_by(Province.name_vi)))


def find_province(name_or_slug: str) -> Province | None:
    """By slug (`dak-lak`) or by name, with or without accents ("Đắk Lắk", "Dak Lak")."""
    wanted = slugify(name_or_slug)
    for province in all_provinces():
        if wanted in (province.slug, slugify(province.name_vi), slugify(province.name_en)):
            return province
    return None


def is_staff_of(user: User, shop: Shop) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    return any(m.shop_id == shop.id for m in user.memberships)


def require_shop_staff(user: User, shop: Shop) -> None:
    """The one permission check for every staff action on a shop's data."""
    if not is_staff_of(user, shop):
        raise Forbidden(_("You are not staff of this cooperative."))


def managed_shop(user: User, slug: str) -> Shop:
    """The shop named in a staff URL, after the permission check (404 unknown, 403 not yours)."""
    shop = shop_by_slug(slug)
    if shop is None:
        raise NotFound()
    require_shop_staff(user, shop)
    return shop


def create_shop(
    slug: str,
    name: str,
    province: Province,
    tax_code: str | None = None,
    status: str = ShopStatus.ACTIVE,
) -> Shop:
    if not slug or slugify(slug) != slug:
        raise ShopError(_("The shop address may use only a-z, 0-9 and hyphens."))
    if shop_by_slug(slug):
        raise ShopError(_("A shop with the address %(slug)s already exists.", slug=slug))
    if tax_code and not is_tax_code(tax_code):
        raise ShopError(_("A tax code has 10 digits, or 13 for a branch (0123456789-001)."))
    shop = Shop(slug=slug, name_vi=name, province=province, tax_code=tax_code, status=status)
    db.session.add(shop)
    db.session.commit()
    return shop


def add_staff(shop: Shop, user: User) -> None:
    if not any(m.shop_id == shop.id for m in user.memberships):
        db.session.add(ShopMember(shop=shop, user=user))
    if user.role == "buyer":
        user.role = "staff"
    db.session.commit()


PROFILE_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "tax_code",
    "province_id",
    "commune",
    "address",
    "phone",
    "member_count",
    "founded_year",
)


def update_profile(user: User, shop: Shop, values: dict, logo: bytes | None = None) -> None:
    """Save the profile; a new logo replaces the old one once the row is committed."""
    require_shop_staff(user, shop)
    stored = store_image(logo) if logo is not None else None  # may raise ImageRejected
    for field in PROFILE_FIELDS:
        setattr(shop, field, values[field])
    old_logo = None
    if stored:
        old_logo, shop.logo_key = shop.logo_key, stored.key
    db.session.commit()
    if old_logo:
        delete_image(old_logo)
