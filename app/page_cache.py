"""Rendered public pages for anonymous visitors, kept in each worker's memory.

A page is cached only when nothing in it depends on the visitor: signed out, nothing in
the session but the CSRF token (no cart, no flash message). The CSRF token is rendered as a
placeholder and filled in per response. Entries live PAGE_CACHE_SECONDS at most (so stock counts lag by seconds at worst) and are dropped
at once when the catalog changes: a commit that touches catalog rows stamps a version file
that every worker checks, so several gunicorn workers agree without talking to each other.
"""

import functools
import os
import time
from collections import OrderedDict
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.extensions import db

PLACEHOLDER = "__csrf_token_placeholder__"
# Flask-Login's session protection marks a stranger's session `_fresh: False` on their second
# request (it has a CSRF token but no login): still nothing personal, so still shareable.
SESSION_KEYS_SAFE_TO_SHARE = {"csrf_token", "_permanent", "_fresh"}


class PageCache:
    def __init__(self, version_file: Path, max_entries: int, seconds: float):
        self.version_file = version_file
        self.max_entries = max_entries
        self.seconds = seconds
        self.entries: OrderedDict[tuple, tuple[float, int, str]] = OrderedDict()

    def version(self) -> int:
        try:
            return self.version_file.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def bump(self) -> None:
        self.version_file.parent.mkdir(parents=True, exist_ok=True)
        self.version_file.touch()
        os.utime(self.version_file)  # a new mtime even within the same clock tick on some systems
        self.entries.clear()

    def get(self, key: tuple) -> str | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        stored_at, version, html = entry
        if time.monotonic() - stored_at > self.seconds or version != self.version():
            self.entries.pop(key, None)
            return None
        self.entries.move_to_end(key)
        return html

    def put(self, key: tuple, html: str) -> None:
        self.entries[key] = (time.monotonic(), self.version(), html)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


def cache() -> PageCache:
    return current_app.extensions["page_cache"]


def _shareable_request() -> bool:
    return (
        request.method == "GET"
        and not current_user.is_authenticated
        and set(session.keys()) <= SESSION_KEYS_SAFE_TO_SHARE
    )


def cached_for_anonymous(view):
    """Serve a view from the page cache when the visitor sees what any stranger would."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE"] or not _shareable_request():
            return view(*args, **kwargs)
        key = (request.host, request.full_path)
        html = cache().get(key)
        if html is None:
            g.csrf_placeholder = True
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.csrf_placeholder = False
            if response.status_code != 200 or response.mimetype != "text/html":
                return _fill_token(response)
            html = response.get_data(as_text=True)
            own_token = g.get("csrf_token")  # set if a form rendered this visitor's real token
            if own_token and own_token in html:
                return _fill_token(response)
            cache().put(key, html)
        return Response(html.replace(PLACEHOLDER, generate_csrf()), mimetype="text/html")

    return wrapper


def _fill_token(response: Response) -> Response:
    if not response.direct_passthrough and response.mimetype == "text/html":
        response.set_data(response.get_data(as_text=True).replace(PLACEHOLDER, generate_csrf()))
    return response


def csrf_token_for_template() -> str:
    return PLACEHOLDER if g.get("csrf_placeholder") else generate_csrf()


def _note_catalog_change(session, flush_context) -> None:
    from app.models import (
        Category,
        Fair,
        FairExhibitor,
        FairFeaturedProduct,
        FairImage,
        FairSection,
        Lot,
        LotCertification,
        LotStep,
        OcopCertificate,
        Product,
        ProductImage,
        Review,
        ScheduleEvent,
        Shop,
    )

    watched = (Product, ProductImage, Shop, Category, OcopCertificate, Review)
    watched += (Fair, FairSection, FairImage, FairExhibitor, FairFeaturedProduct, ScheduleEvent)
    watched += (Lot, LotStep, LotCertification)  # lots show on product pages and their own
    if any(isinstance(obj, watched) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["catalog_changed"] = True


def _after_commit(session) -> None:
    if session.info.pop("catalog_changed", False):
        cache().bump()


def _after_rollback(session) -> None:
    session.info.pop("catalog_changed", None)


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE", True)
    app.extensions["page_cache"] = PageCache(
        Path(
            app.config.get("PAGE_CACHE_VERSION_FILE") or Path(app.instance_path, "catalog-version")
        ),
        max_entries=app.config.get("PAGE_CACHE_ENTRIES", 1000),
        seconds=app.config.get("PAGE_CACHE_SECONDS", 10),
    )
    # Flask-WTF offers csrf_token() to templates through a context processor; this later one wins.
    app.jinja_env.globals["csrf_token"] = csrf_token_for_template
    app.context_processor(lambda: {"csrf_token": csrf_token_for_template})
    if not sa.event.contains(db.session, "after_flush", _note_catalog_change):
        sa.event.listen(db.session, "after_flush", _note_catalog_change)
        sa.event.listen(db.session, "after_commit", _after_commit)
        sa.event.listen(db.session, "after_rollback", _after_rollback)
