"""Public read-only JSON API v1: products, shops, search suggestions, its OpenAPI document.

Every parameter is checked here: a bad one is a 400 with {"error": {"code", "message"}}.
Messages are for the developers who call the API, so they are in English.
"""

from flask import current_app, jsonify, request

from app import search
from app.api import bp
from app.api.openapi import openapi_document
from app.api.shapes import product_json, shop_json
from app.extensions import db
from app.models import Category, Province, Shop
from app.page_cache import cached_for_anonymous
from app.search import services
from app.search.documents import SORTS, SearchFilters
from app.security import rate_limited
from app.shops import services as shops


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    return error_response(400, "invalid_parameter", f"{error.name}: {error.message}")


def error_response(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


@bp.after_request
def allow_any_origin(response):
    """Read-only and public: any site may call it from the browser."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    return response


def lang_arg() -> str:
    lang = request.args.get("lang") or "vi"
    if lang not in current_app.config["LANGUAGES"]:
        raise BadParameter("lang", "must be vi or en")
    return lang


def int_arg(name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not raw.isascii() or not raw.strip().lstrip("-").isdigit() or len(raw) > 12:
        raise BadParameter(name, "must be a whole number")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise BadParameter(name, f"must be {bounds}")
    return value


def slug_arg(name: str, model) -> str | None:
    slug = request.args.get(name) or None
    if slug is not None and (len(slug) > 120 or not services.known_slug(model, slug)):
        raise BadParameter(name, f"unknown {name} {slug[:120]!r}")
    return slug


def paging_args() -> tuple[int, int]:
    per_page = int_arg("per_page", 20, 1, services.MAX_PER_PAGE)
    page = int_arg("page", 1, 1, 100_000)
    return page, per_page


@bp.route("/products")
@rate_limited("RATELIMIT_SEARCH_API")
@cached_for_anonymous
def products():
    lang = lang_arg()
    page, per_page = paging_args()
    filters = SearchFilters(
        category=slug_arg("category", Category),
        province=slug_arg("province", Province),
        shop=slug_arg("shop", Shop),
        ocop_stars=int_arg("ocop_stars", None, 3, 5),
        min_price=int_arg("min_price", None, 0),
        max_price=int_arg("max_price", None, 0),
    )
    sort = request.args.get("sort") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"must be one of {', '.join(SORTS)}")
    query = request.args.get("q") or ""
    result = search.search(query, lang, filters, sort=sort, page=page, per_page=per_page)
    items = services.products_in_order(result.ids)
    return jsonify(
        items=[product_json(p, lang) for p in items],
        total=result.total,
        page=page,
        per_page=per_page,
        suggestion=result.suggestion,
    )


@bp.route("/products/<int:product_id>")
def product(product_id: int):
    lang = lang_arg()
    found = services.products_in_order([product_id])
    if not found:
        return error_response(404, "not_found", f"no public product {product_id}")
    return jsonify(product_json(found[0], lang))


@bp.route("/shops")
def shop_list():
    lang = lang_arg()
    page, per_page = paging_args()
    province = slug_arg("province", Province)
    query = shops.public_shops_query()
    if province:
        query = query.join(Shop.province).where(Province.slug == province)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    counts = shops.public_product_counts([shop.id for shop in pagination.items])
    return jsonify(
        items=[shop_json(s, lang, counts.get(s.id, 0)) for s in pagination.items],
        total=pagination.total,
        page=page,
        per_page=per_page,
    )


@bp.route("/shops/<slug>")
def shop(slug: str):
    lang = lang_arg()
    found = shops.public_shop_by_slug(slug)
    if found is None:
        return error_response(404, "not_found", f"no public shop {slug[:120]!r}")
    counts = shops.public_product_counts([found.id])
    return jsonify(shop_json(found, lang, counts.get(found.id, 0)))


@bp.route("/suggest")
@rate_limited("RATELIMIT_SUGGEST_API")
@cached_for_anonymous
def suggest():
    """Product names completing what is typed in a search box; quick enough for each key."""
    lang = lang_arg()
    limit = int_arg("limit", 8, 1, 20)
    return jsonify(suggestions=search.suggest(request.args.get("q") or "", lang, limit=limit))


@bp.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())
