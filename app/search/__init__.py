"""Search: the small interface the rest of the app talks to, whatever engine is behind it.

Only this package knows which engine answers: the Whoosh index (the default), or
PostgreSQL full text with SEARCH_BACKEND=postgres, both behind the same functions:
index_product, remove_product, search, suggest, reindex, is_healthy.

The index follows the database like microblog's SearchableMixin: session hooks collect the
products (and shops) a transaction changed and, once it has committed, the backend re-reads
them and updates the index, so a product saved, approved, hidden or deleted, or a shop
suspended, shows in search (or vanishes) as soon as the commit returns. With Redis, the
change is journaled at once and applied by a background job (app.jobs) moments later.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context

from app import jobs
from app.extensions import db
from app.models import OcopCertificate, Product, Shop
from app.search import analysis
from app.search.documents import (
    FACETS,
    PRICE_BANDS,
    SORTS,
    SearchFilters,
    SearchResult,
    all_documents,
    count_public_products,
    load_documents,
    price_band_bounds,
)
from app.search.postgres_backend import PostgresBackend
from app.search.whoosh_backend import WhooshBackend
from app.unit_of_work import watch_changes

BACKENDS = ("whoosh", "postgres")


class SearchUnavailable(RuntimeError):
    """The index is missing, damaged or unreachable: searches answer 503 until it is
    repaired (`flask search reindex`); the rest of the site does not depend on it."""


__all__ = [
    "FACETS",
    "PRICE_BANDS",
    "SORTS",
    "SearchFilters",
    "SearchResult",
    "SearchUnavailable",
    "index_product",
    "init_app",
    "is_healthy",
    "price_band_bounds",
    "reindex",
    "remove_product",
    "search",
    "suggest",
]

# Changes to other columns (stock, updated_at...) do not touch the index.
PRODUCT_FIELDS = frozenset(
    {
        "name_vi",
        "name_en",
        "description_vi",
        "description_en",
        "category_id",
        "category",  # set through the relationship, the column changes only during the flush
        "price_vnd",
        "status",
        "is_hidden",
        "shop_id",
        "shop",
        "created_at",
    }
)
SHOP_FIELDS = frozenset({"status", "name_vi", "name_en", "province_id", "province"})


def init_app(app: Flask) -> None:
    app.config.setdefault("SEARCH_WRITE_TIMEOUT", 2.0)
    name = app.config.get("SEARCH_BACKEND") or "whoosh"
    if name not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}.")
    if name == "postgres":
        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL.")
        app.extensions["search"] = PostgresBackend(app.config["SEARCH_WRITE_TIMEOUT"])
    else:
        app.extensions["search"] = WhooshBackend(
            app.config["SEARCH_INDEX_DIR"], write_timeout=app.config["SEARCH_WRITE_TIMEOUT"]
        )
    watch_changes(_collect_changes, _apply_changes, ("search_changes",))


def backend() -> WhooshBackend | PostgresBackend:
    return current_app.extensions["search"]


# --- the interface ----------------------------------------------------------------------


def search(
    query: str | None,
    lang: str = "vi",
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> SearchResult:
    """Public products matching every word of `query` (all of them when it is empty).

    Words match with or without accents, in Vietnamese or English; accents typed and the
    page language rank higher. An empty query lists everything ("relevance" then means
    newest first); a query with nothing to search for (emoji, symbols) finds nothing, and
    says so with `unsearchable`.
    """
    if query and query.strip() and not analysis.query_words(query):
        return SearchResult(
            ids=[], total=0, page=max(page, 1), per_page=max(per_page, 1), unsearchable=True
        )
    with _unavailable_on_failure():
        return backend().search(
            query,
            lang=lang,
            filters=filters,
            sort=sort if sort in SORTS else "relevance",
            page=max(page, 1),
            per_page=max(per_page, 1),
            facets=facets,
        )


def suggest(prefix: str | None, lang: str = "vi", limit: int = 8) -> list[str]:
    """Product names completing what a buyer is typing in the search box."""
    with _unavailable_on_failure():
        return backend().suggest(prefix, lang=lang, limit=limit)


@contextmanager
def _unavailable_on_failure():
    """A broken index raises whatever its files make Whoosh raise; callers get one error.
    A database that went away stays a database error (app.main.errors answers both)."""
    try:
        yield
    except (SearchUnavailable, sa.exc.OperationalError, sa.exc.InterfaceError):
        raise
    except Exception as error:
        current_app.logger.error("search index unreadable: %r", error)
        backend().forget_reader()
        raise SearchUnavailable(str(error)) from error


def index_product(product: Product) -> None:
    """Bring one product's entry up to date with its committed state (added or removed)."""
    _apply([product.id], [])


def remove_product(product_id: int) -> None:
    _apply([product_id], [])


def reindex(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; the live index serves until the swap."""
    with so.Session(db.engine) as session:
        return backend().rebuild(all_documents(session), _load, progress=progress)


def public_product_count() -> int:
    with so.Session(db.engine) as session:
        return count_public_products(session)


def is_healthy() -> bool:
    return backend().check()


def _load(product_ids: Iterable[int], shop_ids: Iterable[int]):
    # Its own session: this runs after the request's transaction has committed.
    with so.Session(db.engine) as session:
        return load_documents(session, product_ids, shop_ids)


def _apply(product_ids: Iterable[int], shop_ids: Iterable[int]) -> None:
    engine = backend()
    engine.journal(product_ids, shop_ids)
    jobs.enqueue(apply_pending)


def apply_pending() -> None:
    """Apply the journaled changes to the index (a background job when Redis is set)."""
    backend().apply_pending(_load)
    if jobs.queue() is not None:
        # Pages cached between the commit and this job may show the old results.
        from app import page_cache

        page_cache.cache().bump()


# --- following the database -------------------------------------------------------------


def _modified(obj, names: frozenset[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _collect_changes(session: so.Session) -> None:
    """after_flush: remember what this transaction changed (ids exist by now)."""
    products, shops = session.info.setdefault("search_changes", (set(), set()))
    for obj in session.new:
        if isinstance(obj, Product):
            products.add(obj.id)
        elif isinstance(obj, OcopCertificate):
            products.add(obj.product_id)
    for obj in session.dirty:
        if isinstance(obj, Product) and _modified(obj, PRODUCT_FIELDS):
            products.add(obj.id)
        elif isinstance(obj, Shop) and _modified(obj, SHOP_FIELDS):
            shops.add(obj.id)
        elif isinstance(obj, OcopCertificate):
            products.add(obj.product_id)
    for obj in session.deleted:
        if isinstance(obj, Product):
            products.add(obj.id)
        elif isinstance(obj, OcopCertificate):
            products.add(obj.product_id)


def _apply_changes(session: so.Session) -> None:
    """after_commit: the changes are in the database, so now they go into the index."""
    products, shops = session.info.pop("search_changes", (set(), set()))
    products.discard(None)
    if not (products or shops) or not has_app_context():
        return
    if "search" not in current_app.extensions:
        return
    try:
        _apply(products, shops)
    except Exception:
        # The commit stands; the journal keeps the change for the next writer or reindex.
        current_app.logger.exception("search index update failed; it stays journaled")
