"""What the search page and the API need around the engine: products, labels, parameters."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.catalog.services import public_products_query
from app.extensions import db
from app.i18n import format_vnd, tr
from app.models import Category, Product, Province, Shop
from app.search.documents import PRICE_BANDS, SearchFilters, price_band_bounds

MAX_PER_PAGE = 100


def products_in_order(ids: list[int]) -> list[Product]:
    """The public products with these ids, in this order (anything no longer public drops out)."""
    if not ids:
        return []
    query = public_products_query().order_by(None).where(Product.id.in_(ids))
    query = query.options(so.selectinload(Product.certificates), so.joinedload(Product.category))
    found = {p.id: p for p in db.session.scalars(query).unique()}
    return [found[i] for i in ids if i in found]


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool


def facet_labels(facets: dict, filters: SearchFilters) -> dict[str, list[FacetValue]]:
    """Facet counts with names in the page language, for the sidebar."""
    categories = {
        c.slug: c
        for c in db.session.scalars(
            sa.select(Category).where(Category.slug.in_([v for v, _ in facets.get("category", [])]))
        )
    }
    provinces = {
        p.slug: tr(p, "name")
        for p in db.session.scalars(
            sa.select(Province).where(Province.slug.in_([v for v, _ in facets.get("province", [])]))
        )
    }
    shop_slugs = [v for v, _ in facets.get("shop", [])[:12]]
    shops = {
        s.slug: tr(s, "name")
        for s in db.session.scalars(sa.select(Shop).where(Shop.slug.in_(shop_slugs)))
    }
    bands = {key: price_band_label(key) for key, _, _ in PRICE_BANDS}
    selected_band = selected_price_band(filters)

    def values(facet, labels, limit=None):
        rows = facets.get(facet, [])[:limit]
        current = getattr(filters, facet, None) if facet != "price_band" else selected_band
        return [
            FacetValue(value, labels.get(value, str(value)), count, value == current)
            for value, count in rows
            if value in labels
        ]

    # Top-level categories first, each followed by its children, as in the category tree.
    ordered = sorted(
        categories.values(),
        key=lambda c: ((c.parent or c).position, (c.parent or c).id, c.parent is not None),
    )
    category_labels = {c.slug: ("— " if c.parent else "") + tr(c, "name") for c in ordered}
    counts = dict(facets.get("category", []))
    return {
        "category": [
            FacetValue(c.slug, category_labels[c.slug], counts[c.slug], c.slug == filters.category)
            for c in ordered
        ],
        "province": values("province", provinces),
        "ocop_stars": values("ocop_stars", {s: stars_label(s) for s in (3, 4, 5)}),
        "shop": values("shop", shops, limit=12),
        "price_band": values("price_band", bands),
    }


def stars_label(stars: int) -> str:
    return _("%(stars)s-star OCOP", stars=stars)


def price_band_label(key: str) -> str:
    low, high = price_band_bounds(key)
    if high is None:
        return _("%(low)s and more", low=format_vnd(low))
    if low == 0:
        return _("Under %(high)s", high=format_vnd(high + 1))
    return _("%(low)s to %(high)s", low=format_vnd(low), high=format_vnd(high + 1))


def selected_price_band(filters: SearchFilters) -> str | None:
    for key, low, high in PRICE_BANDS:
        if filters.min_price == low and filters.max_price == high:
            return key
    return None


def filter_labels(filters: SearchFilters) -> dict[str, str]:
    """A short label per active filter, for the removable chips above the results."""
    labels = {}
    if filters.category:
        category = db.session.scalar(sa.select(Category).where(Category.slug == filters.category))
        labels["category"] = tr(category, "name") if category else filters.category
    if filters.province:
        province = db.session.scalar(sa.select(Province).where(Province.slug == filters.province))
        labels["province"] = tr(province, "name") if province else filters.province
    if filters.shop:
        shop = db.session.scalar(sa.select(Shop).where(Shop.slug == filters.shop))
        labels["shop"] = tr(shop, "name") if shop else filters.shop
    if filters.ocop_stars:
        labels["ocop_stars"] = stars_label(filters.ocop_stars)
    band = selected_price_band(filters)
    if band:
        labels["price"] = price_band_label(band)
    elif filters.min_price is not None or filters.max_price is not None:
        low = format_vnd(filters.min_price or 0)
        high = format_vnd(filters.max_price) if filters.max_price is not None else "…"
        labels["price"] = f"{low} – {high}"
    return labels


def known_slug(model, slug: str) -> bool:
    return db.session.scalar(sa.select(model.id).where(model.slug == slug)) is not None
