"""Bilingual error pages; the 500 handler rolls the session back.

A part that is down (the database restarting, the search index unreadable, a disk full or
read-only) is a 503 with Retry-After, never a 500: the request's transaction is rolled back,
so nothing is half written, and the client is told to come back in a few seconds.
"""

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template, request

from app.files import StorageUnavailable
from app.search import SearchUnavailable
from app.security import retry_after_seconds
from app.unit_of_work import rollback

# What a database that went away (restart, failover, network) raises, whatever the driver.
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError)
UNAVAILABLE = (*DATABASE_DOWN, SearchUnavailable, StorageUnavailable)


def _lang_from_path() -> None:
    # Errors raised before routing (404s) never ran the locale preprocessor.
    if "lang" not in g:
        first = request.path.strip("/").split("/", 1)[0]
        if first in ("vi", "en"):
            g.lang = first


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz", "/payments/", "/shipping/"))


def _part(error: BaseException) -> str:
    if isinstance(error, SearchUnavailable):
        return "search"
    if isinstance(error, StorageUnavailable):
        return "storage"
    return "database"


def render_unavailable(error: BaseException):
    """503 for a part that is down; rendered without the database (it may be that part)."""
    part = _part(error)
    current_app.logger.warning("503: %s unavailable: %s", part, error)
    try:
        rollback()
    except Exception:  # the connection is gone: the pool replaces it on the next checkout
        current_app.logger.debug("rollback after %s failure failed", part, exc_info=True)
    _lang_from_path()
    seconds = current_app.config.get("UNAVAILABLE_RETRY_AFTER_SECONDS", 5)
    headers = {"Retry-After": str(seconds)}
    if _wants_json():
        body = {"code": "unavailable", "part": part, "retry_after": seconds}
        body["message"] = f"{part} temporarily unavailable; retry after {seconds} seconds"
        return jsonify(error=body), 503, headers
    # Straight from the Jinja environment: context processors (the header's shops, the
    # cart) would ask the database, which may be the part that is down.
    from app.i18n import current_lang

    page = current_app.jinja_env.get_template("errors/unavailable.html").render(
        part=part, retry_after=seconds, lang=current_lang()
    )
    return page, 503, headers


def render_error(code: int):
    _lang_from_path()
    retry_after = retry_after_seconds() if code == 429 else None
    if _wants_json():
        messages = {
            400: "bad_request",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            429: "rate_limited",
            500: "server_error",
        }
        message = str(code)
        if code == 429:
            message = f"too many requests; retry after {retry_after or 60} seconds"
        return jsonify(error={"code": messages.get(code, "error"), "message": message}), code
    return render_template("errors/error.html", code=code, retry_after=retry_after), code


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, render_unavailable)

    @app.errorhandler(500)
    def internal_error(error):
        # An exception raised outside a view (the commit in after_request) arrives here.
        original = getattr(error, "original_exception", None)
        if isinstance(original, UNAVAILABLE):
            return render_unavailable(original)
        rollback()  # nothing the failed request did may stay, nor run after it
        return render_error(500)
