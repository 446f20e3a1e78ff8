"""The search page: /<lang>/search?q=, with facets, filter chips and "did you mean"."""

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from app import search
from app.catalog.services import top_categories
from app.fairs import services as fairs
from app.i18n import current_lang, tr
from app.page_cache import cached_for_anonymous
from app.search import services
from app.search.analysis import highlight, snippet
from app.search.documents import SORTS, SearchFilters, price_band_bounds

bp = Blueprint("search", __name__)

FILTER_ARGS = ("category", "province", "shop", "fair", "ocop_stars", "min_price", "max_price")


def _int_arg(name: str, low: int = 0, high: int | None = None) -> int | None:
    """A page forgives a bad number in the URL: it is just ignored."""
    value = request.args.get(name, type=int)
    if value is None or value < low or (high is not None and value > high):
        return None
    return value


def filters_from_args() -> SearchFilters:
    return SearchFilters(
        category=request.args.get("category") or None,
        province=request.args.get("province") or None,
        shop=request.args.get("shop") or None,
        shops=fair_shops(request.args.get("fair")),
        ocop_stars=_int_arg("ocop_stars", 3, 5),
        min_price=_int_arg("min_price"),
        max_price=_int_arg("max_price"),
    )


def fair_shops(fair_slug: str | None) -> tuple[str, ...] | None:
    """`fair=<slug>`: the products of that fair's exhibitors (an unknown fair is ignored)."""
    slugs = fairs.exhibitor_shop_slugs(fair_slug) if fair_slug else None
    return tuple(slugs) if slugs is not None else None


def search_url(**changes) -> str:
    """This search with some parameters changed (None removes one); back to page 1."""
    args = {k: v for k, v in request.args.items() if k in ("q", "sort", *FILTER_ARGS)}
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return url_for("search.results", **args)


def band_url(key: str) -> str:
    low, high = price_band_bounds(key)
    return search_url(min_price=low, max_price=high)


@bp.route("/search")
@cached_for_anonymous
def results():
    query = (request.args.get("q") or "")[:200]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "relevance"
    page = _int_arg("page", 1, 10_000) or 1
    filters = filters_from_args()
    lang = current_lang()
    per_page = current_app.config["PER_PAGE"]
    result = search.search(query, lang, filters, sort=sort, page=page, per_page=per_page)
    searched = query
    if not result.total and result.suggestion:
        # Nothing at all: show what the correction finds ("caphe" → "ca phe"), and say so.
        corrected = search.search(
            result.suggestion, lang, filters, sort=sort, page=page, per_page=per_page
        )
        if corrected.total:
            result, searched = corrected, result.suggestion
    chips = services.filter_labels(filters)
    if filters.shops is not None:
        fair = fairs.fair_by_slug(request.args["fair"])
        chips["fair"] = _("Fair: %(name)s", name=tr(fair, "name"))
    return render_template(
        "search/results.html",
        query=query,
        searched=searched,
        result=result,
        products=services.products_in_order(result.ids),
        facets=services.facet_labels(result.facets, filters),
        chips=chips,
        sort=sort,
        sorts=SORTS,
        categories=top_categories() if not result.total else [],
        page_args={k: v for k, v in request.args.items() if k != "page"},
        search_url=search_url,
        band_url=band_url,
        highlight=highlight,
        snippet=snippet,
    )
