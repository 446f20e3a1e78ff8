"""Security: headers on every response, production cookies and secret, rate limits, redirects,
and templates free of inline script and style (the CSP would block them)."""

import os
import re
import subprocess
import sys

import pytest

from app import create_app
from app.extensions import db
from app.models import Order
from app.security import content_security_policy, safe_redirect_target
from config import BASE_DIR, ProductionConfig
from tests.conftest import _settings
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.shopping import BANK, placed_order

# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/vi/login",
        "/en/search?q=c%C3%A0+ph%C3%AA",
        "/en/no-such-page",
        "/api/v1/products",
        "/api/v1/nothing-here",
        "/healthz",
        "/static/css/site.css",
    ],
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self' https://js.stripe.com" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain http outside production


def test_cached_public_page_keeps_its_headers(client):
    ProductFactory()
    first, second = client.get("/en/"), client.get("/en/")  # the second comes from the cache
    assert first.status_code == second.status_code == 200
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_policy_lets_stripe_elements_load_and_call_stripe():
    csp = content_security_policy()
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert "https://js.stripe.com" in directives["script-src"]
    assert directives["frame-src"].split() == [
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
    ]
    assert directives["connect-src"] == "'self' https://api.stripe.com"
    assert directives["object-src"] == "'none'"


def test_policy_allows_the_configured_stripe_api_base(app, client):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:8421/v1"
    csp = client.get("/en/").headers["Content-Security-Policy"]
    assert "connect-src 'self' https://api.stripe.com http://127.0.0.1:8421;" in csp


# --- production settings ----------------------------------------------------------------------


@pytest.fixture
def production_app(tmp_path, template_db):
    database_url = template_db.clone(tmp_path, "production")
    production = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    app = create_app(
        {
            **_settings(tmp_path),
            **production,
            "SECRET_KEY": "a-long-random-production-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_production_sends_hsts(production_app):
    response = production_app.test_client().get("/en/")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_production_cookies_are_secure_httponly_and_lax(production_app):
    UserFactory(email="buyer@example.com")
    response = production_app.test_client().post(
        "/en/login",
        data={"email": "buyer@example.com", "password": "password123", "remember": "y"},
    )
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = [flag.strip().lower() for flag in cookies[name].split(";")]
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, name


def start_app_in_a_fresh_process(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "APP_ENV", "FLASK_ENV")}
    code = (
        "from app import create_app; app = create_app(); "
        "print(app.config['ENV_NAME'], app.config['SESSION_COOKIE_SECURE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "INSTANCE_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = start_app_in_a_fresh_process(tmp_path, APP_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when APP_ENV=production." in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no generated secret in production


def test_production_starts_with_a_secret_key(tmp_path):
    result = start_app_in_a_fresh_process(
        tmp_path, APP_ENV="production", SECRET_KEY="from-the-environment"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "True"]


# --- rate limits ------------------------------------------------------------------------------


def test_login_attempts_are_limited_per_address(app, client):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    UserFactory(email="buyer@example.com")
    wrong = {"email": "buyer@example.com", "password": "wrong-password"}
    for _ in range(3):
        assert client.post("/en/login", data=wrong).status_code == 401

    right = {"email": "buyer@example.com", "password": "password123"}
    response = client.post("/en/login", data=right)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "Too many requests" in page
    assert re.search(r"try again in \d+ seconds?", page)
    assert "Content-Security-Policy" in response.headers

    assert client.get("/en/login").status_code == 200  # reading the form is not limited
    other = client.post("/en/login", data=right, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 302  # another address still gets in


@pytest.mark.parametrize(
    ("setting", "path", "data"),
    [
        ("RATELIMIT_REGISTER", "/en/register", {"name": "A", "email": "bad", "password": "x"}),
        ("RATELIMIT_PASSWORD_RESET", "/en/reset-password", {"email": "nobody@example.com"}),
        ("RATELIMIT_PASSWORD_RESET", "/en/reset-password/not-a-token", {"new_password": "x"}),
    ],
)
def test_account_forms_are_rate_limited(app, client, setting, path, data):
    app.config[setting] = "2 per minute"
    for _ in range(2):
        assert client.post(path, data=data).status_code != 429
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many requests" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("RATELIMIT_SEARCH_API", "/api/v1/products?q=mat"),
        ("RATELIMIT_SUGGEST_API", "/api/v1/suggest?q=ma"),
    ],
)
def test_search_api_answers_429_in_the_documented_error_shape(app, client, setting, path):
    app.config[setting] = "2 per minute"
    for remaining in (1, 0):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == str(remaining)
    response = client.get(path)
    assert response.status_code == 429
    assert response.headers["Retry-After"].isdigit()
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"].startswith("too many requests; retry after ")
    assert client.get("/api/v1/shops").status_code == 200  # other endpoints are not limited


def test_default_limits_leave_room_for_normal_use(client):
    for _ in range(30):
        assert client.get("/api/v1/suggest?q=ca").status_code == 200


# --- redirects --------------------------------------------------------------------------------

HOSTILE_TARGETS = [
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "http://evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "https:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "http://localhost.evil.example/",
    "http://localhost@evil.example/",
    "//localhost@evil.example",
    "https://localhost/en/",  # our host, but another scheme
    "",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_safe_redirect_target_refuses_other_sites(app, target):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_redirect_target(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/en/account", "/en/account"),
        (
            "/vi/search?q=c%C3%A0+ph%C3%AA&page=2#results",
            "/vi/search?q=c%C3%A0+ph%C3%AA&page=2#results",
        ),
        ("http://localhost/en/cart", "/en/cart"),
        ("http://localhost", "/"),
    ],
)
def test_safe_redirect_target_keeps_pages_of_this_site(app, target, expected):
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_redirect_target(target, "/fallback") == expected


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_register_never_redirects_off_site(client, target):
    response = client.post(
        "/en/register",
        query_string={"next": target},
        data={
            "name": "Lan",
            "email": "lan@example.com",
            "password": "a-good-password",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


@pytest.mark.parametrize("target", ["javascript:alert(1)", "/\t/evil.example", "\\\\evil.example"])
def test_login_never_redirects_off_site_even_with_odd_characters(client, target):
    UserFactory(email="buyer@example.com")
    response = client.post(
        "/en/login",
        query_string={"next": target},
        data={"email": "buyer@example.com", "password": "password123"},
    )
    assert response.headers["Location"] == "/en/"


def test_transfer_confirmation_returns_only_to_a_local_page(app, client, auth):
    app.config.update(BANK)
    UserFactory(email="buyer@example.com")
    UserFactory(email="admin@example.com", role="admin")
    auth.login("buyer@example.com", lang="en")
    order: Order = placed_order(client, [(ProductFactory(), 1)], "bank_transfer", lang="en")
    auth.logout()
    auth.login("admin@example.com", lang="en")
    for target, expected in [
        ("https://evil.example/", f"/en/orders/{order.number}"),
        ("/en/manage/transfers", "/en/manage/transfers"),
    ]:
        response = client.post(
            f"/en/orders/{order.number}/confirm-transfer", data={"reference": "", "next": target}
        )
        assert response.headers["Location"] == expected


def test_stock_update_returns_to_the_referrer_only_when_it_is_this_site(client, auth):
    shop = ShopFactory()
    product = ProductFactory(shop=shop)
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    url = f"/en/manage/{shop.slug}/products/{product.id}/stock"
    evil = client.post(url, data={"stock": "3"}, headers={"Referer": "https://evil.example/x"})
    assert evil.headers["Location"] == f"/en/manage/{shop.slug}/products"
    ours = client.post(
        url, data={"stock": "4"}, headers={"Referer": f"http://localhost/en/p/{product.slug}"}
    )
    assert ours.headers["Location"] == f"/en/p/{product.slug}"


def test_language_switch_ignores_url_options_smuggled_into_the_query(client):
    response = client.get("/en/search?q=mat&_external=1&_scheme=javascript&_anchor=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/vi/search?q=mat"' in page
    assert "javascript" not in page.split("<main", 1)[0]


# --- templates and scripts the CSP must not block ---------------------------------------------

TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("app/*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.I)


@pytest.mark.parametrize(
    "template",
    sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")),
    ids=lambda p: str(p.relative_to(BASE_DIR)),
)
def test_template_has_no_inline_script_handler_or_style(template):
    html = template.read_text()
    for pattern, what in [
        (INLINE_SCRIPT, "inline <script>"),
        (INLINE_HANDLER, "on...= handler"),
        (INLINE_STYLE, "inline style"),
    ]:
        found = pattern.search(html)
        assert not found, f"{what}: {found.group()!r}; move it to static/js or static/css"
    assert "javascript:" not in html.lower()


@pytest.mark.parametrize(
    "script", sorted((BASE_DIR / "static").rglob("*.js")), ids=lambda p: p.name
)
def test_static_script_needs_no_eval(script):
    code = script.read_text()
    assert not re.search(r"\beval\(|new Function\(|setAttribute\(\s*[\"'](on|style)", code)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products/99999999999999999999999",
        "/en/manage/x/products/9999999999999999999999/edit",
    ],
)
def test_absurd_ids_in_urls_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_forwarded_address_counts_only_behind_a_trusted_proxy(tmp_path, template_db):
    base = {**_settings(tmp_path), "SQLALCHEMY_DATABASE_URI": template_db.clone(tmp_path, "proxy")}
    for proxies, expected in [(0, [200, 429]), (1, [200, 200])]:
        app = create_app(
            {**base, "TRUSTED_PROXY_COUNT": proxies, "RATELIMIT_SUGGEST_API": "1/minute"}
        )
        client = app.test_client()
        statuses = [
            client.get("/api/v1/suggest?q=ca", headers={"X-Forwarded-For": address}).status_code
            for address in ("203.0.113.1", "203.0.113.2")
        ]
        assert statuses == expected, proxies
        with app.app_context():
            db.engine.dispose()
