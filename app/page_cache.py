"""Rendered public pages and feeds for anonymous visitors, shared by every worker.

A page is cached only when nothing in it depends on the visitor: signed out, nothing in
the session but the CSRF token (no cart, no flash message). The CSRF token is rendered as a
placeholder and filled in per response. Entries live PAGE_CACHE_SECONDS at most (so stock
counts lag by seconds at worst) and are dropped at once when the catalog changes: a commit
that touches rows of a model marked `InvalidatesPageCache` (app.models.base) bumps a catalog
version that every worker checks, so several gunicorn workers agree without talking to each
other.

Two stores: each worker's memory with a version file (the embedded mode), or Redis when
REDIS_URL is set, where the pages and the version are shared by every app server.

A page is stored by its view (`cached_for_anonymous`, inside Flask) and, on later visits,
served by `CachedPages` in front of Flask: it reads the session cookie with Flask's session
interface, fills in the visitor's CSRF token and adds the headers Flask would, without a
request context, URL matching or request hooks. Pages of rate-limited views, or of
blueprints that add their own response headers, are always served through Flask.
"""

import functools
import hashlib
import logging
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

from flask import Flask, Request, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

from app.models.base import InvalidatesPageCache
from app.security import add_security_headers, is_rate_limited
from app.unit_of_work import watch_changes

PLACEHOLDER = "__csrf_token_placeholder__"
MISSED = "chohtx.page_cache.missed"  # WSGI environ key: CachedPages found no stored page
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
logger = logging.getLogger(__name__)


class Page(NamedTuple):
    mimetype: str
    body: str  # with PLACEHOLDER where the visitor's CSRF token goes
    early: bool  # may be served by CachedPages, before Flask handles the request


class PageCache:
    """Pages in this process's memory; the catalog version is a file's mtime."""

    def __init__(self, version_file: Path, max_entries: int, seconds: float):
        self.version_file = version_file
        self.max_entries = max_entries
        self.seconds = seconds
        self.entries: OrderedDict[tuple, tuple[float, int, Page]] = OrderedDict()

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

    def get(self, key: tuple) -> Page | None:
        """The fresh entry, or None."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        stored_at, version, page = entry
        if time.monotonic() - stored_at > self.seconds or version != self.version():
            self.entries.pop(key, None)
            return None
        self.entries.move_to_end(key)
        return page

    def put(self, key: tuple, page: Page) -> None:
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

        # A hung Redis is given half a second: a page is rendered rather than awaited.
        self.redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._logged_at = -self.LOG_EVERY
        self.prefix = prefix
        self.seconds = seconds
        self.version_key = f"{prefix}catalog-version"

    def _key(self, key: tuple) -> str:
        # "page2": entries carry the `early` flag; the first format's are ignored (and expire).
        return self.prefix + "page2:" + "\x1f".join(map(str, key))

    def version(self) -> int:
        return int(self.redis.get(self.version_key) or 0)

    def bump(self) -> None:
        from redis.exceptions import RedisError

        try:
            self.redis.incr(self.version_key)
        except RedisError as error:  # nothing can be served from it either while it is down
            self._unavailable(error)

    def get(self, key: tuple) -> Page | None:
        from redis.exceptions import RedisError

        try:
            raw, version = self.redis.mget(self._key(key), self.version_key)
        except RedisError as error:  # Redis down: the page is rendered, not lost
            self._unavailable(error)
            return None
        if raw is None:
            return None
        stored_version, mimetype, early, body = raw.decode("utf-8").split("\n", 3)
        if int(stored_version) != int(version or 0):
            return None
        return Page(mimetype, body, early == "1")

    def put(self, key: tuple, page: Page) -> None:
        from redis.exceptions import RedisError

        try:
            value = f"{self.version()}\n{page.mimetype}\n{int(page.early)}\n{page.body}"
            self.redis.set(self._key(key), value.encode("utf-8"), px=int(self.seconds * 1000))
        except RedisError as error:
            self._unavailable(error)

    def _unavailable(self, error: Exception) -> None:
        """Say so in the log, once every LOG_EVERY seconds: not once per page view."""
        now = time.monotonic()
        if now - self._logged_at >= self.LOG_EVERY:
            self._logged_at = now
            logger.warning("page cache: Redis unavailable, pages are rendered: %s", error)

    LOG_EVERY = 30.0


def cache() -> PageCache | RedisPageCache:
    return current_app.extensions["page_cache"]


def page_key(request: Request) -> tuple:
    return (request.host, request.full_path)


def _shareable(request: Request, session: SessionMixin, config) -> bool:
    """A GET from someone not signed in: nothing in the session but what strangers have, and
    no remember-me cookie (read directly: asking Flask-Login would load the user)."""
    remember_cookie = config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        request.method == "GET"
        and set(session.keys()) <= SESSION_KEYS_SAFE_TO_SHARE
        and remember_cookie not in request.cookies
    )


def _servable_before_flask() -> bool:
    """Whether this view's page can be answered by CachedPages: no rate limit to count and no
    blueprint hook adding headers of its own (the API's CORS header, say)."""
    blueprint_hooks = current_app.after_request_funcs
    return not is_rate_limited() and not any(blueprint_hooks.get(bp) for bp in request.blueprints)


def cached_for_anonymous(view):
    """Serve a view from the page cache when the visitor sees what any stranger would."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE"] or not _shareable(
            request, session, current_app.config
        ):
            return view(*args, **kwargs)
        key = page_key(request)
        page = None if request.environ.get(MISSED) else cache().get(key)
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
            page = Page(response.mimetype, body, early=_servable_before_flask())
            cache().put(key, page)
        body = page.body
        if page.mimetype == "text/html":
            body = body.replace(PLACEHOLDER, generate_csrf())
        return Response(body, mimetype=page.mimetype)

    return wrapper


class CachedPages:
    """WSGI middleware: answers a stranger's GET for a stored page before Flask sees it.

    The response is the one Flask would give: the page with the visitor's CSRF token, the
    session cookie (set on a first visit, through Flask's own session interface), `Vary:
    Cookie` and the security headers. Anything else (a miss, a signed-in visitor, a flash
    message waiting, a page that must go through Flask) is passed on unchanged.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        response = None
        if environ["REQUEST_METHOD"] == "GET":
            try:
                response = self.cached_response(environ)
            except Exception:  # Flask renders the page (and handles whatever is wrong)
                logger.exception("page cache: answering before Flask failed")
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def cached_response(self, environ) -> Response | None:
        """The stored page for this visitor, or None. Pages served early all live under a
        language prefix; the store is asked only for a stranger's (and a miss is noted, so
        that the view does not ask again)."""
        app = self.app
        path = environ.get("PATH_INFO", "").split("/", 2)  # "/vi/..." -> ["", "vi", "..."]
        if not app.config["PAGE_CACHE"] or len(path) < 3 or path[1] not in app.config["LANGUAGES"]:
            return None
        request = app.request_class(environ)
        session = app.session_interface.open_session(app, request)
        if session is None or not _shareable(request, session, app.config):
            return None
        page = app.extensions["page_cache"].get(page_key(request))
        if page is None:
            environ[MISSED] = True
            return None
        if not page.early:
            return None
        session.accessed = True  # as Flask's request context marks it when read: Vary: Cookie
        body = page.body
        if page.mimetype == "text/html":
            body = body.replace(PLACEHOLDER, _csrf_token(app, session))
        response = app.response_class(body, mimetype=page.mimetype)
        add_security_headers(response, app.config)
        app.session_interface.save_session(app, session, response)
        return response


def _csrf_token(app: Flask, session: SessionMixin) -> str:
    """What Flask-WTF's generate_csrf gives inside a request: the session's secret (made on
    the first visit) signed with the time, checked by CSRFProtect when a form comes back."""
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not isinstance(session.get(field), str):
        session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
    return _csrf_signer(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key).dumps(
        session[field]
    )


@functools.lru_cache(maxsize=4)
def _csrf_signer(secret_key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token")


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per secret key
    rather than on every request (building it cost as much as checking the signature)."""

    def __init__(self):
        self.serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self.serializers:
            self.serializers[keys] = super().get_signing_serializer(app)
        return self.serializers[keys]


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


def _note_catalog_change(session) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, InvalidatesPageCache) for obj in changed):
        session.info["catalog_changed"] = True


def _after_commit(session) -> None:
    if session.info.pop("catalog_changed", False):
        cache().bump()


def init_app(app: Flask) -> None:
    """Call before anything wraps `app.wsgi_app` (ProxyFix): CachedPages must see the request
    as Flask will, with the host and scheme the proxies forwarded."""
    app.config.setdefault("PAGE_CACHE", True)
    app.session_interface = SessionInterface()
    app.wsgi_app = CachedPages(app, app.wsgi_app)
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
    watch_changes(_note_catalog_change, _after_commit, ("catalog_changed",))
