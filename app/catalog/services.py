"""Products and categories: public queries and the staff rules (moderation, stock, images)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from app.catalog import moderation
from app.catalog.facts import clean_facts, fact_label, missing_facts
from app.extensions import db
from app.media import delete_image, store_image
from app.models import (
    Category,
    OcopCertificate,
    Product,
    ProductImage,
    ProductStatus,
    Shop,
    ShopStatus,
    User,
)
from app.models.base import vietnam_today
from app.shops.services import is_staff_of, require_shop_staff
from app.text import slugify
from app.unit_of_work import after_commit

__all__ = ["Product"]


class CatalogError(ValueError):
    """A rule was broken; the message is for the user, `field` names the form field it concerns."""

    def __init__(self, message: str, field: str = "sku"):
        super().__init__(message)
        self.field = field


# --- public side ------------------------------------------------------------------------


def public_products_query() -> sa.Select:
    """Approved, visible products of active shops, newest first, with what cards show."""
    return (
        sa.select(Product)
        .join(Product.shop)
        .where(
            Product.status == ProductStatus.APPROVED,
            Product.is_hidden.is_(False),
            Shop.status == ShopStatus.ACTIVE,
        )
        .options(
            so.contains_eager(Product.shop).joinedload(Shop.province),
            so.selectinload(Product.images),
        )
        .order_by(Product.created_at.desc(), Product.id.desc())
    )


def newest_products(limit: int = 12) -> list[Product]:
    return list(db.session.scalars(public_products_query().limit(limit)))


def public_product_by_slug(slug: str) -> Product | None:
    query = public_products_query().where(Product.slug == slug)
    return db.session.scalar(query.options(so.joinedload(Product.category)))


def previewable_product_by_slug(user: User, slug: str) -> Product | None:
    """A product buyers cannot see (draft, in review, hidden...), for its own shop's staff and
    admins to check before it goes public; None for anyone else, who gets a 404."""
    product = db.session.scalar(
        sa.select(Product)
        .where(Product.slug == slug)
        .options(so.joinedload(Product.category), so.selectinload(Product.images))
    )
    return product if product is not None and is_staff_of(user, product.shop) else None


def top_categories() -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
        )
    )


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(sa.select(Category).where(Category.slug == slug))


def all_categories() -> list[Category]:
    """Every category, parents first then their children, for select boxes."""
    ordered = []
    for parent in top_categories():
        ordered.append(parent)
        ordered.extend(parent.children)
    return ordered


def category_ids_below(category: Category) -> list[int]:
    return [category.id, *(child.id for child in category.children)]


def category_products_query(category: Category) -> sa.Select:
    return public_products_query().where(Product.category_id.in_(category_ids_below(category)))


def category_path(category: Category) -> list[Category]:
    """The category and its parents, top level first, for breadcrumbs."""
    path, seen = [], set()
    while category is not None and category.id not in seen:  # a cycle would loop forever
        seen.add(category.id)
        path.append(category)
        category = category.parent
    return path[::-1]


# --- sorting and filtering a category's or a shop's products ----------------------------

LISTING_SORTS = ("newest", "price_asc", "price_desc", "ocop")
MAX_PRICE_VND = 10**12


@dataclass(frozen=True)
class ListingOptions:
    sort: str = "newest"
    min_price: int | None = None
    max_price: int | None = None
    ocop: bool = False  # only products with a valid OCOP certificate
    in_stock: bool = False

    def as_args(self) -> dict[str, str | int]:
        """The query-string arguments that differ from the defaults (for links and pages)."""
        args: dict[str, str | int] = {}
        if self.sort != "newest":
            args["sort"] = self.sort
        if self.min_price is not None:
            args["min_price"] = self.min_price
        if self.max_price is not None:
            args["max_price"] = self.max_price
        if self.ocop:
            args["ocop"] = 1
        if self.in_stock:
            args["in_stock"] = 1
        return args


def listing_options(args: Mapping[str, str]) -> ListingOptions:
    """Options from a page's query string; a bad value is ignored, as a page forgives it."""

    def price(name: str) -> int | None:
        value = (args.get(name) or "").replace(".", "").replace(",", "").strip()
        return int(value) if value.isdigit() and int(value) <= MAX_PRICE_VND else None

    low, high = price("min_price"), price("max_price")
    if low is not None and high is not None and low > high:
        low, high = high, low
    sort = args.get("sort")
    return ListingOptions(
        sort=sort if sort in LISTING_SORTS else "newest",
        min_price=low,
        max_price=high,
        ocop=args.get("ocop") in ("1", "on", "y"),
        in_stock=args.get("in_stock") in ("1", "on", "y"),
    )


def apply_listing_options(query: sa.Select, options: ListingOptions) -> sa.Select:
    """A public products query narrowed and ordered as a buyer asked on the page."""
    stars = (
        sa.select(sa.func.max(OcopCertificate.stars))
        .where(OcopCertificate.product_id == Product.id)
        .where(OcopCertificate.is_valid_on(vietnam_today()))
        .correlate(Product)
        .scalar_subquery()
    )
    if options.min_price is not None:
        query = query.where(Product.price_vnd >= options.min_price)
    if options.max_price is not None:
        query = query.where(Product.price_vnd <= options.max_price)
    if options.ocop:
        query = query.where(stars.is_not(None))
    if options.in_stock:
        query = query.where(Product.stock > 0)
    newest = (Product.created_at.desc(), Product.id.desc())
    order = {
        "price_asc": (Product.price_vnd.asc(), *newest),
        "price_desc": (Product.price_vnd.desc(), *newest),
        "ocop": (sa.func.coalesce(stars, 0).desc(), *newest),
    }.get(options.sort, newest)
    return query.order_by(None).order_by(*order)


# --- staff side -------------------------------------------------------------------------


@dataclass
class ProductInput:
    sku: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    category_id: int | None
    price_vnd: int
    stock: int
    unit_vi: str
    unit_en: str
    weight_g: int | None
    gtin: str | None = None  # GS1 number printed under the barcode; QR codes use it
    facts: dict = field(default_factory=dict)  # {code: {"vi": ..., "en": ...}}


def unique_product_slug(name: str) -> str:
    base = slugify(name, max_length=100) or "san-pham"
    slug, n = base, 1
    while db.session.scalar(sa.select(Product.id).where(Product.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def product_by_sku(shop: Shop, sku: str) -> Product | None:
    return db.session.scalar(
        sa.select(Product).where(Product.shop_id == shop.id, Product.sku == sku)
    )


def shop_product(user: User, shop: Shop, product_id: int) -> Product | None:
    """A product of this shop for its staff; another shop's product is not found."""
    require_shop_staff(user, shop)
    product = db.session.get(Product, product_id)
    return product if product is not None and product.shop_id == shop.id else None


def staff_products_query(shop: Shop, status: str | None = None) -> sa.Select:
    query = (
        sa.select(Product)
        .where(Product.shop_id == shop.id)
        .options(so.selectinload(Product.images))
        .order_by(Product.updated_at.desc(), Product.id.desc())
    )
    if status in ProductStatus.ALL:
        query = query.where(Product.status == status)
    return query


def apply_product_input(product: Product, data: ProductInput) -> None:
    for name in ProductInput.__dataclass_fields__:
        setattr(product, name, getattr(data, name))
    product.facts = clean_facts(data.facts or {})


def check_required_facts(data: ProductInput) -> None:
    """A listing sent to buyers must carry its category's required label facts."""
    category = db.session.get(Category, data.category_id) if data.category_id else None
    missing = missing_facts(category, clean_facts(data.facts or {}))
    if missing:
        raise CatalogError(
            _(
                "This category requires: %(fact)s (in Vietnamese at least).",
                fact=fact_label(missing[0]),
            ),
            field=f"fact_{missing[0]}_vi",
        )


def _check_sku_free(shop: Shop, sku: str, product: Product | None = None) -> None:
    existing = product_by_sku(shop, sku)
    if existing is not None and existing is not product:
        raise CatalogError(_("Another product of this shop already uses SKU %(sku)s.", sku=sku))


def _store_images(product: Product, uploads: list[bytes]) -> list[str]:
    """Store uploads first (may raise ImageRejected), then attach them; returns the new keys."""
    room = current_app.config["MAX_PRODUCT_IMAGES"] - len(product.images)
    if len(uploads) > room:
        raise CatalogError(
            _("A product has at most %(n)s images.", n=current_app.config["MAX_PRODUCT_IMAGES"]),
            field="images",
        )
    stored = []
    try:
        for data in uploads:
            stored.append(store_image(data))
    except Exception:
        for image in stored:
            delete_image(image.key)
        raise
    start = len(product.images)
    for offset, image in enumerate(stored):
        product.images.append(
            ProductImage(
                key=image.key, position=start + offset, width=image.width, height=image.height
            )
        )
    return [image.key for image in stored]


def _check_gtin_free(gtin: str | None, product: Product | None = None) -> None:
    if not gtin:
        return
    existing = db.session.scalar(sa.select(Product).where(Product.gtin == gtin))
    if existing is not None and existing is not product:
        raise CatalogError(
            _("Another product on Chợ HTX already has GTIN %(gtin)s.", gtin=gtin), field="gtin"
        )


def create_product(
    user: User, shop: Shop, data: ProductInput, images: list[bytes], submit: bool
) -> Product:
    require_shop_staff(user, shop)
    _check_sku_free(shop, data.sku)
    _check_gtin_free(data.gtin)
    if submit:
        check_required_facts(data)
    product = Product(shop=shop, slug=unique_product_slug(data.name_vi or data.name_en))
    apply_product_input(product, data)
    _store_images(product, images)
    db.session.add(product)
    if submit:
        moderation.submit(product)
    else:
        product.status = ProductStatus.DRAFT
    db.session.flush()
    return product


def update_product(
    user: User, product: Product, data: ProductInput, images: list[bytes], submit: bool
) -> Product:
    """Save changes; an edit is moderated again unless the auto-approval policy lets it
    through (drafts stay drafts)."""
    require_shop_staff(user, product.shop)
    _check_sku_free(product.shop, data.sku, product)
    _check_gtin_free(data.gtin, product)
    if submit or product.status != ProductStatus.DRAFT:
        check_required_facts(data)
    _store_images(product, images)
    apply_product_input(product, data)
    if submit or product.status != ProductStatus.DRAFT:
        moderation.submit(product)
    db.session.flush()
    return product


def set_stock(user: User, product: Product, stock: int) -> None:
    require_shop_staff(user, product.shop)
    if stock < 0:
        raise CatalogError(_("Stock cannot be negative."))
    product.stock = stock
    db.session.flush()


def set_hidden(user: User, product: Product, hidden: bool) -> None:
    require_shop_staff(user, product.shop)
    product.is_hidden = hidden
    db.session.flush()


def delete_product(user: User, product: Product) -> None:
    require_shop_staff(user, product.shop)
    if product.certificates or product.lots:
        # Their rows need the product (audited certificates, lot codes printed on packages).
        raise CatalogError(
            _("This product has OCOP certificates or lots: hide it instead of deleting it.")
        )
    keys = [image.key for image in product.images]
    db.session.delete(product)
    db.session.flush()
    for key in keys:
        after_commit(delete_image, key)


def remove_product_image(user: User, product: Product, image_id: int) -> None:
    require_shop_staff(user, product.shop)
    image = next((i for i in product.images if i.id == image_id), None)
    if image is None:
        raise CatalogError(_("This image is not on this product."))
    product.images.remove(image)
    for position, remaining in enumerate(product.images):
        remaining.position = position
    db.session.flush()
    after_commit(delete_image, image.key)
