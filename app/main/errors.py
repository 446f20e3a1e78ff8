"""Bilingual error pages; the 500 handler rolls the session back."""

from flask import Flask, g, render_template, request

from app.security import retry_after_seconds
from app.unit_of_work import rollback


def _lang_from_path() -> None:
    # Errors raised before routing (404s) never ran the locale preprocessor.
    if "lang" not in g:
        first = request.path.strip("/").split("/", 1)[0]
        if first in ("vi", "en"):
            g.lang = first


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/healthz")


def render_error(code: int):
    _lang_from_path()
    retry_after = retry_after_seconds() if code == 429 else None
    if _wants_json():
        from flask import jsonify

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

    @app.errorhandler(500)
    def internal_error(error):
        rollback()  # nothing the failed request did may stay, nor run after it
        return render_error(500)
