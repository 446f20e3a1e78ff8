"""Browser-facing defences: security headers on every response, safe redirect targets,
and the configured rate limits.

The Content-Security-Policy allows no inline script or style: templates load JS from
static/js and CSS from static/css only. Stripe.js (card checkout) is the one outside origin.
"""

import logging
import time
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, request
from flask.logging import default_handler
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.extensions import limiter

# Stripe's own CSP guidance for Stripe.js and Elements (script, iframes, API calls).
STRIPE_JS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAMES = (*STRIPE_JS, "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"
HSTS = "max-age=63072000; includeSubDomains"


@lru_cache(maxsize=8)  # built once per setting, not on every response
def content_security_policy(stripe_api_base: str | None = None) -> str:
    """The policy string; `stripe_api_base` (STRIPE_API_BASE, e.g. a local fake) may be called."""
    connect = ["'self'", STRIPE_API]
    if stripe_api_base:
        parts = urlsplit(stripe_api_base)
        if parts.scheme in ("http", "https") and parts.netloc:
            connect.append(f"{parts.scheme}://{parts.netloc}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *STRIPE_JS],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://*.stripe.com"],
        "font-src": ["'self'"],
        "connect-src": connect,
        "frame-src": list(STRIPE_FRAMES),
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


@lru_cache(maxsize=8)
def security_headers(stripe_api_base: str | None, production: bool) -> tuple[tuple[str, str], ...]:
    headers = [
        ("Content-Security-Policy", content_security_policy(stripe_api_base)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if production:
        headers.append(("Strict-Transport-Security", HSTS))
    return tuple(headers)


def add_security_headers(response, config=None):
    """Every response gets the headers it does not set itself (one pass over its headers:
    werkzeug's setdefault scans them once per name). `config` is the app's, by default the
    current one."""
    config = config if config is not None else current_app.config
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in security_headers(
        config.get("STRIPE_API_BASE"), config.get("ENV_NAME") == "production"
    ):
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def safe_redirect_target(target: str | None, default: str) -> str:
    """`target` if it is a page of this site (a local path, or our own absolute URL reduced
    to its path), else `default`. Every redirect whose target comes from a request uses it:
    `next`, form fields, the Referer header.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return default
    # Browsers drop tabs and newlines inside URLs and treat "\" as "/": "/\evil.com" and
    # "/\t/evil.com" both lead to evil.com. No whitespace or control character is allowed.
    if any(ch.isspace() or not ch.isprintable() or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (request.scheme, request.host):
            return default
        target = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
        parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return default
    return target


def configured_limit(name: str):
    """A rate limit read from the config on each request (tests and operators can change it)."""
    return lambda: current_app.config[name]


# Views with a rate limit, by qualified name. Every other request is exempted at once, so
# the pages most visitors open skip Flask-Limiter's per-request search for limits.
RATE_LIMITED_VIEWS: set[str] = set()


def rate_limited(setting: str, methods: list[str] | None = None):
    """The one way to rate-limit a view: `@rate_limited("RATELIMIT_LOGIN", methods=["POST"])`,
    the limit read from that config key on each request."""

    def decorator(view):
        RATE_LIMITED_VIEWS.add(f"{view.__module__}.{view.__qualname__}")
        return limiter.limit(configured_limit(setting), methods=methods)(view)

    return decorator


def is_rate_limited() -> bool:
    """Whether the view handling this request has a rate limit."""
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and f"{view.__module__}.{view.__qualname__}" in RATE_LIMITED_VIEWS


def _check_only_rate_limited_views(app: Flask) -> None:
    """Flask-Limiter checks every request for limits; guard its check so that the pages most
    visitors open (no limit) skip that work. Call after `limiter.init_app(app)`."""
    hooks = app.before_request_funcs.setdefault(None, [])
    for i, hook in enumerate(hooks):
        if getattr(hook, "__self__", None) is limiter:
            check = hook

            def guarded(check=check):
                if is_rate_limited():
                    return check()
                return None

            hooks[i] = guarded


def retry_after_seconds() -> int | None:
    """Seconds until the limit that refused this request lets the client in again."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in URLs, at most a 64-bit integer: an absurd id is a 404, not a database
    overflow (SQLite and PostgreSQL columns hold 64 bits at most)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**63 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter  # before blueprints add rules
    # Flask-Limiter says when its storage (Redis) is down and it counts in memory instead,
    # and when it is back: into the app's log, not a logger nobody reads.
    limiter_log = logging.getLogger("flask-limiter")
    if default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)
    limiter_log.setLevel(logging.INFO)
    limiter_log.disabled = False  # Alembic's logging.config (flask db upgrade) disables it
    app.after_request(add_security_headers)
    _check_only_rate_limited_views(app)
    proxies = app.config.get("TRUSTED_PROXY_COUNT", 0)
    if proxies:
        # Client address (rate limits), scheme (secure cookies, redirects) and host as the
        # proxies saw them; headers beyond the trusted hops are ignored, so not spoofable.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
