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
    status = {"status": "ok", "db": "ok", "search": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        status.update(status="error", db="error")
    from app import search

    if not search.is_healthy():
        status.update(status="error", search="error")
    return jsonify(status), 200 if status["status"] == "ok" else 503


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
