import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
)

from app.catalog import services as catalog
from app.extensions import db
from app.main import bp
from app.media import ensure_rendition, is_rendition_name, storage
from app.page_cache import cached_for_anonymous
from app.shops import services as shops
from app.unit_of_work import rollback


@bp.route("/")
def root():
    lang = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "vi"
    return redirect(f"/{lang}/", code=302)


@bp.route("/<lang_code>/")
@cached_for_anonymous
def home():
    return render_template(
        "main/home.html",
        featured_shops=shops.featured_shops(limit=6),
        new_products=catalog.newest_products(limit=12),
        categories=catalog.top_categories(),
    )


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return send_from_directory(
        current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


@bp.route("/healthz")
def healthz():
    """For the proxy's health checks: 503 when the database or search is down (this server
    cannot serve); 200 and "degraded" when only Redis is (pages, limits and jobs carry on
    without it), with the part that is down named."""
    status = {"status": "ok", "db": "ok", "search": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        status.update(status="error", db="error")
        rollback()
    from app import search

    if status["db"] == "error" and current_app.config.get("SEARCH_BACKEND") == "postgres":
        status["search"] = "error"  # it lives in the same database
    elif not search.is_healthy():
        status.update(status="error", search="error")
    if current_app.config.get("REDIS_URL"):
        status["redis"] = "ok" if redis_answers() else "down"
        if status["redis"] == "down" and status["status"] == "ok":
            status["status"] = "degraded"
    return jsonify(status), 503 if status["status"] == "error" else 200


def redis_answers() -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(
            current_app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1
        ) as connection:
            return bool(connection.ping())
    except RedisError:
        return False


@bp.route("/media/<path:filename>")
def media(filename: str):
    """Only the re-encoded WebP renditions app.media stores are served, always as image/webp;
    any other name (a path, a temporary file) is a 404 without touching the disk."""
    if not is_rendition_name(filename):
        abort(404)
    ensure_rendition(filename)
    path = storage().path(filename)
    response = send_from_directory(path.parent, path.name, mimetype="image/webp", max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
