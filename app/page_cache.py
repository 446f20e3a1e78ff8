"""Rendered public pages and feeds for anonymous visitors, shared by every worker.

A page is cached only when nothing in it depends on the visitor: signed out, nothing in
the session but the CSRF token (no cart, no flash message). The CSRF token is rendered as a
placeholder and filled in per response. Entries live PAGE_CACHE_SECONDS at most (so stock
counts lag by seconds at worst) and are dropped at once when the catalog changes: a commit
that touches catalog rows bumps a catalog version that every worker checks, so several
gunicorn workers agree without talking to each other.

Two stores: each worker's memory with a version file (the embedded mode), or Redis when
REDIS_URL is set, where the pages and the version are shared by every app server.
"""

import functools
import os
import time
from collections import OrderedDict
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from app.extensions import db

PLACEHOLDER = "__csrf_token_placeholder__"
# Flask-Login marks a stranger's session `_fresh: False` from their second request on.
SESSION_KEYS_SAFE_TO_SHARE = {"csrf_token", "_permanent", "_fresh"}
CACHEABLE_TYPES = {
    "text/html",
    "application/json",
    "application/feed+json",
    "application/atom+xml",
    "application/xml",
    "image/svg+xml",
}


class PageCache:
    """Pages in this process's memory; the catalog version is a file's mtime."""

    def __init__(self, version_file: Path, max_entries: int, seconds: float):
        self.version_file = version_file
        self.max_entries = max_entries
        self.seconds = seconds
        self.entries: OrderedDict[tuple, tuple[float, int, tuple[str, str]]] = OrderedDict()

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

    def get(self, key: tuple) -> tuple[str, str] | None:
        """(mimetype, body) of a fresh entry, or None."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        stored_at, version, page = entry
        if time.monotonic() - stored_at > self.seconds or version != self.version():
            self.entries.pop(key, None)
            return None
        self.entries.move_to_end(key)
        return page

    def put(self, key: tuple, page: tuple[str, str]) -> None:
        self.entries[key] = (time.monotonic(), self.version(), page)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


class RedisPageCache:
    """Pages in Redis, shared by every worker and app server; they expire by themselves.

    An entry remembers the catalog version it was rendered under; reading fetches the entry
    and the current version in one round trip, and a bump makes every older entry stale.
    """

    def __init__(self, url: str, prefix: str, seconds: float):
        from redis import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self.seconds = seconds
        self.version_key = f"{prefix}catalog-version"

    def _key(self, key: tuple) -> str:
        return self.prefix + "page:" + "\x1f".join(map(str, key))

    def version(self) -> int:
        return int(self.redis.get(self.version_key) or 0)

    def bump(self) -> None:
        from redis.exceptions import RedisError

        try:
            self.redis.incr(self.version_key)
        except RedisError:  # nothing can be served from it either while it is down
            current_app.logger.warning("page cache: Redis unavailable", exc_info=True)

    def get(self, key: tuple) -> tuple[str, str] | None:
        from redis.exceptions import RedisError

        try:
            raw, version = self.redis.mget(self._key(key), self.version_key)
        except RedisError:  # Redis down: the page is rendered, not lost
            current_app.logger.warning("page cache: Redis unavailable", exc_info=True)
            return None
        if raw is None:
            return None
        stored_version, mimetype, body = raw.decode("utf-8").split("\n", 2)
        if int(stored_version) != int(version or 0):
            return None
        return mimetype, body

    def put(self, key: tuple, page: tuple[str, str]) -> None:
        from redis.exceptions import RedisError

        mimetype, body = page
        try:
            value = f"{self.version()}\n{mimetype}\n{body}"
            self.redis.set(self._key(key), value.encode("utf-8"), px=int(self.seconds * 1000))
        except RedisError:
            current_app.logger.warning("page cache: Redis unavailable", exc_info=True)


def cache() -> PageCache | RedisPageCache:
    return current_app.extensions["page_cache"]


def _shareable_request() -> bool:
    """A GET from someone not signed in: no user id in the session and no remember-me cookie
    (read directly: asking Flask-Login would load the user on every cached hit)."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        request.method == "GET"
        and set(session.keys()) <= SESSION_KEYS_SAFE_TO_SHARE
        and remember_cookie not in request.cookies
    )


def cached_for_anonymous(view):
    """Serve a view from the page cache when the visitor sees what any stranger would."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE"] or not _shareable_request():
            return view(*args, **kwargs)
        key = (request.host, request.full_path)
        page = cache().get(key)
        if page is None:
            g.csrf_placeholder = True
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.csrf_placeholder = False
            if not _storable(response):
                return _fill_token(response)
            body = response.get_data(as_text=True)
            own_token = g.get("csrf_token")  # set if a form rendered this visitor's real token
            if own_token and own_token in body:
                return _fill_token(response)
            page = (response.mimetype, body)
            cache().put(key, page)
        mimetype, body = page
        if mimetype == "text/html":
            body = body.replace(PLACEHOLDER, generate_csrf())
        return Response(body, mimetype=mimetype)

    return wrapper


def _storable(response: Response) -> bool:
    """A plain 200 whose only header that matters is its type (no cookie, no validators)."""
    return (
        response.status_code == 200
        and response.mimetype in CACHEABLE_TYPES
        and not response.direct_passthrough
        and not {"Set-Cookie", "ETag", "Last-Modified"} & set(response.headers.keys())
    )


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
    seconds = app.config.get("PAGE_CACHE_SECONDS", 10)
    if app.config.get("REDIS_URL"):
        app.extensions["page_cache"] = RedisPageCache(
            app.config["REDIS_URL"], app.config.get("CACHE_KEY_PREFIX", "chohtx:"), seconds
        )
    else:
        app.extensions["page_cache"] = PageCache(
            Path(
                app.config.get("PAGE_CACHE_VERSION_FILE")
                or Path(app.instance_path, "catalog-version")
            ),
            max_entries=app.config.get("PAGE_CACHE_ENTRIES", 1000),
            seconds=seconds,
        )
    # Flask-WTF offers csrf_token() to templates through a context processor; this later one wins.
    app.jinja_env.globals["csrf_token"] = csrf_token_for_template
    app.context_processor(lambda: {"csrf_token": csrf_token_for_template})
    if not sa.event.contains(db.session, "after_flush", _note_catalog_change):
        sa.event.listen(db.session, "after_flush", _note_catalog_change)
        sa.event.listen(db.session, "after_commit", _after_commit)
        sa.event.listen(db.session, "after_rollback", _after_rollback)
