"""What any search backend indexes and answers: product documents, filters, results.

Documents are built from the database here, so the Whoosh backend (and a PostgreSQL one
later) never touches models, and the session hooks, `flask search reindex` and the benchmark
all index exactly the same thing.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.models import Category, Product, ProductStatus, Province, Shop, ShopStatus
from app.models.base import vietnam_today
from app.ocop.services import valid_certificates

SORTS = ("relevance", "price_asc", "price_desc", "newest", "ocop")
# Bands a buyer thinks in, in đồng: (key, lowest, highest or None).
PRICE_BANDS = (
    ("under-100k", 0, 99_999),
    ("100k-200k", 100_000, 199_999),
    ("200k-500k", 200_000, 499_999),
    ("500k-1m", 500_000, 999_999),
    ("over-1m", 1_000_000, None),
)
FACETS = ("category", "province", "ocop_stars", "shop", "price_band")


@dataclass(frozen=True)
class ProductDocument:
    """One public product as the search engine sees it."""

    id: int
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    shop_slug: str
    shop_name_vi: str
    shop_name_en: str
    province_slug: str
    province_name_vi: str
    province_name_en: str
    category_slug: str  # the product's own category, "" when it has none
    category_parent_slug: str  # its top-level category, or the same slug for a top level
    category_names_vi: str
    category_names_en: str
    price_vnd: int
    created_ts: int  # seconds since the epoch, for "newest first"
    ocop_stars: int  # 0 without a verified certificate
    ocop_expires_on: date | None


@dataclass
class SearchFilters:
    category: str | None = None  # a category slug; a top-level one includes its children
    province: str | None = None
    shop: str | None = None
    shops: tuple[str, ...] | None = None  # any of these shop slugs (a fair's exhibitors)
    ocop_stars: int | None = None
    min_price: int | None = None
    max_price: int | None = None

    def active(self) -> dict[str, str | int]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class SearchResult:
    """One page of matches: product ids in rank order, with what the sidebar needs."""

    ids: list[int]
    total: int
    page: int
    per_page: int
    query: str = ""
    facets: dict[str, list[tuple[str | int, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    unsearchable: bool = False  # the query had no letters or digits to search for

    # The same paging attributes as Flask-SQLAlchemy's Pagination, for the shared macro.
    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, left_edge=2, left_current=2, right_current=4, right_edge=2):
        last = 0
        for number in range(1, self.pages + 1):
            if (
                number <= left_edge
                or self.page - left_current <= number < self.page + right_current + 1
                or number > self.pages - right_edge
            ):
                if last + 1 != number:
                    yield None
                yield number
                last = number


def price_band(price_vnd: int) -> str:
    for key, low, high in PRICE_BANDS:
        if price_vnd >= low and (high is None or price_vnd <= high):
            return key
    return PRICE_BANDS[0][0]


def price_band_bounds(key: str) -> tuple[int, int | None] | None:
    for band, low, high in PRICE_BANDS:
        if band == key:
            return low, high
    return None


def _public():
    """The visibility rule of catalog.services.public_products_query, as a SQL condition."""
    return sa.and_(
        Product.status == ProductStatus.APPROVED,
        Product.is_hidden.is_(False),
        Shop.status == ShopStatus.ACTIVE,
    )


_COLUMNS = (
    Product.id,
    Product.name_vi,
    Product.name_en,
    Product.description_vi,
    Product.description_en,
    Product.category_id,
    Product.price_vnd,
    Product.created_at,
    Shop.slug,
    Shop.name_vi,
    Shop.name_en,
    Shop.province_id,
)


class DocumentBuilder:
    """Builds documents from plain rows: one query per batch, not one object per column.

    Categories and provinces are few, so they are read once; certificates are read per batch.
    """

    def __init__(self, session: so.Session, today: date | None = None):
        self.session = session
        self.today = today or vietnam_today()
        self.categories = {c.id: c for c in session.scalars(sa.select(Category))}
        self.provinces = {p.id: p for p in session.scalars(sa.select(Province))}

    def _certificates(self, ids: list[int]) -> dict[int, tuple[int, date]]:
        """The certificate valid today of each product (app.ocop decides): (stars, expires_on)."""
        best = valid_certificates(ids, self.today, session=self.session)
        return {pid: (c.stars, c.expires_on) for pid, c in best.items()}

    def documents(self, condition) -> list[ProductDocument]:
        rows = self.session.execute(
            sa.select(*_COLUMNS).join(Product.shop).where(condition).order_by(Product.id)
        ).all()
        certificates = self._certificates([row[0] for row in rows]) if rows else {}
        return [self._document(row, certificates.get(row[0])) for row in rows]

    def _document(self, row, certificate) -> ProductDocument:
        (
            product_id,
            name_vi,
            name_en,
            description_vi,
            description_en,
            category_id,
            price,
            created,
            shop_slug,
            shop_vi,
            shop_en,
            province_id,
        ) = row
        category = self.categories.get(category_id)
        parent = (
            self.categories.get(category.parent_id) if category and category.parent_id else None
        )
        parent = parent or category
        named = [c for c in (category, parent if parent is not category else None) if c]
        province = self.provinces[province_id]
        created = created or datetime.now(UTC)
        if created.tzinfo is None:  # SQLite returns naive values from a Core select
            created = created.replace(tzinfo=UTC)
        return ProductDocument(
            id=product_id,
            name_vi=name_vi or "",
            name_en=name_en or "",
            description_vi=description_vi or "",
            description_en=description_en or "",
            shop_slug=shop_slug,
            shop_name_vi=shop_vi or "",
            shop_name_en=shop_en or "",
            province_slug=province.slug,
            province_name_vi=province.name_vi,
            province_name_en=province.name_en,
            category_slug=category.slug if category else "",
            category_parent_slug=parent.slug if parent else "",
            category_names_vi=" ".join(c.name_vi for c in named),
            category_names_en=" ".join(c.name_en for c in named),
            price_vnd=price,
            created_ts=int(created.timestamp()),
            ocop_stars=certificate[0] if certificate else 0,
            ocop_expires_on=certificate[1] if certificate else None,
        )


def load_documents(
    session: so.Session, product_ids: Iterable[int], shop_ids: Iterable[int] = ()
) -> tuple[list[ProductDocument], set[int]]:
    """The current documents of these products (and of every product of these shops).

    Returns the documents to (re)index and the ids to remove: products deleted, hidden, not
    approved, or whose shop is not active.
    """
    wanted = set(product_ids)
    shop_ids = list(set(shop_ids))
    if shop_ids:
        wanted.update(session.scalars(sa.select(Product.id).where(Product.shop_id.in_(shop_ids))))
    builder, documents = DocumentBuilder(session), []
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        documents.extend(builder.documents(sa.and_(Product.id.in_(chunk), _public())))
    return documents, wanted - {doc.id for doc in documents}


def all_documents(session: so.Session, batch: int = 2000) -> Iterator[ProductDocument]:
    """Every public product, streamed in id order for a rebuild."""
    builder, last_id = DocumentBuilder(session), 0
    while True:
        ids = list(
            session.scalars(
                sa.select(Product.id)
                .join(Product.shop)
                .where(_public(), Product.id > last_id)
                .order_by(Product.id)
                .limit(batch)
            )
        )
        if not ids:
            return
        yield from builder.documents(sa.and_(Product.id.between(ids[0], ids[-1]), _public()))
        last_id = ids[-1]


def count_public_products(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count(Product.id)).join(Product.shop).where(_public()))
