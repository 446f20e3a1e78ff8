"""Public pages are cached for strangers, but never show stale catalog data or shared tokens."""

import re

import pytest
import sqlalchemy as sa
from flask import request, request_started
from itsdangerous import URLSafeTimedSerializer

from app import create_app, jobs
from app.extensions import db
from app.page_cache import RedisPageCache, cache
from tests.factories import ProductFactory, UserFactory
from tests.servers import free_port


@pytest.fixture(params=["memory", "redis"])
def app_settings(request) -> dict:
    """Every test runs with each store: the worker's memory, and Redis shared by workers."""
    if request.param == "redis":
        return {"REDIS_URL": request.getfixturevalue("redis_url")}
    return {}


def csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def csrf_secret(app, html: str) -> str:
    """The session's CSRF secret inside a page's signed token (the signature carries the time,
    so two pages a second apart show different tokens for the same secret)."""
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    return signer.loads(csrf(html))


def test_catalog_change_shows_at_once_on_cached_pages(app, client):
    product = ProductFactory(slug="mat-ong", name_en="Wild honey")
    assert "Wild honey" in client.get("/en/p/mat-ong").get_data(as_text=True)
    assert "Wild honey" in client.get("/en/").get_data(as_text=True)
    product.name_en = "Mint honey"
    db.session.commit()
    assert "Mint honey" in client.get("/en/p/mat-ong").get_data(as_text=True)
    assert "Mint honey" in client.get("/en/").get_data(as_text=True)
    product.is_hidden = True
    db.session.commit()
    assert client.get("/en/p/mat-ong").status_code == 404


def test_each_visitor_gets_their_own_csrf_token(app):
    ProductFactory(slug="tra")
    first = app.test_client().get("/en/p/tra").get_data(as_text=True)
    second = app.test_client().get("/en/p/tra").get_data(as_text=True)
    assert csrf_secret(app, first) != csrf_secret(app, second)
    assert "__csrf_token_placeholder__" not in first + second


def test_a_visitors_token_is_stable_across_cached_pages(app, client):
    ProductFactory(slug="tra")
    assert csrf_secret(app, client.get("/en/p/tra").get_data(as_text=True)) == csrf_secret(
        app, client.get("/en/").get_data(as_text=True)
    )


def test_signed_in_pages_are_not_shared(client, auth):
    ProductFactory(slug="tra")
    client.get("/en/p/tra")  # cached for strangers
    UserFactory(email="buyer@example.com", name="Chị Mai")
    auth.login(lang="en")
    page = client.get("/en/p/tra").get_data(as_text=True)
    assert "Sign out" in page
    auth.logout(lang="en")
    assert "Sign out" not in client.get("/en/p/tra").get_data(as_text=True)


def test_flash_message_is_not_cached_for_others(app, client, auth):
    UserFactory(email="buyer@example.com")
    auth.login(lang="en")
    client.post("/en/logout")
    assert "You are signed out." in client.get("/en/").get_data(as_text=True)
    assert "You are signed out." not in app.test_client().get("/en/").get_data(as_text=True)


def rename_behind_the_apps_back(product_id: int, name: str) -> None:
    """A change no session hook sees, so only a cached page can still show the old name."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE product SET name_en = :name WHERE id = :id"),
            {"name": name, "id": product_id},
        )


@pytest.mark.parametrize("app_settings", [{}])
def test_app_servers_share_pages_and_invalidation_through_redis(app, redis_url):
    product = ProductFactory(slug="mat-ong", name_en="Wild honey")
    first, second = (create_app({**app.config, "REDIS_URL": redis_url}) for _ in range(2))
    assert isinstance(first.extensions["page_cache"], RedisPageCache)
    assert "Wild honey" in first.test_client().get("/en/p/mat-ong").get_data(as_text=True)
    rename_behind_the_apps_back(product.id, "Renamed quietly")
    # The other server answers from the page the first one stored.
    assert "Wild honey" in second.test_client().get("/en/p/mat-ong").get_data(as_text=True)
    with first.app_context():
        changed = db.session.get(type(product), product.id)
        changed.name_en = "Mint honey"
        db.session.commit()  # a catalog commit on one server drops every server's pages
    assert "Mint honey" in second.test_client().get("/en/p/mat-ong").get_data(as_text=True)
    for server in (first, second):
        with server.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("app_settings", [{"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}])
def test_pages_still_render_when_redis_is_down(client):
    ProductFactory(slug="tra", name_en="Lotus tea")
    for _ in range(2):
        response = client.get("/en/p/tra")
        assert response.status_code == 200
        assert "Lotus tea" in response.get_data(as_text=True)


def test_a_returning_stranger_with_a_session_cookie_gets_cached_pages(client):
    product = ProductFactory(slug="mat-ong", name_en="Wild honey")
    for _ in range(2):  # the second visit carries the session cookie of the first
        assert "Wild honey" in client.get("/en/p/mat-ong").get_data(as_text=True)
    rename_behind_the_apps_back(product.id, "Renamed quietly")
    assert "Wild honey" in client.get("/en/p/mat-ong").get_data(as_text=True)


def run_jobs() -> None:
    """With Redis the index follows commits through a worker: run one until the queue is empty."""
    if jobs.queue() is not None:
        jobs.work(burst=True)


def test_search_results_and_api_answers_are_cached_and_follow_catalog_changes(client):
    product = ProductFactory(slug="mat-ong", name_vi="Mật ong rừng", name_en="Wild honey")
    run_jobs()
    assert "Wild <mark>honey</mark>" in client.get("/en/search?q=honey").get_data(as_text=True)
    assert client.get("/api/v1/products?q=honey&lang=en").get_json()["total"] == 1
    rename_behind_the_apps_back(product.id, "Renamed quietly")
    assert "Wild <mark>honey</mark>" in client.get("/en/search?q=honey").get_data(as_text=True)
    api = client.get("/api/v1/products?q=honey&lang=en")
    assert api.get_json()["items"][0]["name"] == "Wild honey"
    assert api.headers["Access-Control-Allow-Origin"] == "*"
    product.is_hidden = True
    db.session.commit()
    run_jobs()
    assert client.get("/api/v1/products?q=honey&lang=en").get_json()["total"] == 0
    assert "/en/p/mat-ong" not in client.get("/en/search?q=honey").get_data(as_text=True)


class FlaskRequests:
    """Paths of the requests that reached Flask's request handling (request_started)."""

    def __init__(self, app):
        self.paths: list[str] = []
        request_started.connect(self.note, app)

    def note(self, sender, **extra) -> None:
        self.paths.append(request.path)


def without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=")[^"]+"', r'\1"', html)


def cookie_attributes(response) -> list[str]:
    return sorted(response.headers["Set-Cookie"].split("; ")[1:])


def test_a_stored_page_is_answered_before_flask_as_flask_would(app):
    ProductFactory(slug="tra", name_en="Lotus tea")
    flask_requests = FlaskRequests(app)
    rendered = app.test_client().get("/en/p/tra")  # a stranger: rendered by Flask, stored
    early = app.test_client().get("/en/p/tra")  # the next stranger: answered from the store
    assert flask_requests.paths == ["/en/p/tra"]
    assert early.status_code == 200
    assert without_tokens(early.get_data(as_text=True)) == without_tokens(
        rendered.get_data(as_text=True)
    )
    assert csrf_secret(app, early.get_data(as_text=True)) != csrf_secret(
        app, rendered.get_data(as_text=True)
    )
    headers = [name for name, _ in rendered.headers if name != "Set-Cookie"]
    assert [name for name, _ in early.headers if name != "Set-Cookie"] == headers
    for name in headers:
        assert early.headers[name] == rendered.headers[name], name
    assert cookie_attributes(early) == cookie_attributes(rendered)


def test_a_returning_strangers_page_from_the_store_matches_flasks(app):
    ProductFactory(slug="tra")
    client = app.test_client()
    for _ in range(2):  # rendered each time; Flask-Login notes `_fresh` in the second
        cache().bump()
        client.get("/en/p/tra")
    cache().bump()
    flask_requests = FlaskRequests(app)
    rendered = client.get("/en/p/tra")  # with the cookie, rendered again by Flask
    early = client.get("/en/p/tra")
    assert flask_requests.paths == ["/en/p/tra"]
    assert "Set-Cookie" not in rendered.headers and "Set-Cookie" not in early.headers
    assert early.headers["Vary"] == rendered.headers["Vary"] == "Cookie"
    assert sorted(early.headers.items()) == sorted(rendered.headers.items())
    assert csrf_secret(app, early.get_data(as_text=True)) == csrf_secret(
        app, rendered.get_data(as_text=True)
    )


@pytest.mark.parametrize("app_settings", [{"WTF_CSRF_ENABLED": True}])
def test_the_token_on_a_page_from_the_store_is_accepted_by_forms(app):
    product = ProductFactory(slug="tra", name_en="Lotus tea", stock=5)
    app.test_client().get("/en/p/tra")  # stored by someone else's visit
    client = app.test_client()
    page = client.get("/en/p/tra").get_data(as_text=True)
    refused = client.post("/en/cart/add", data={"product_id": product.id, "qty": 1})
    assert refused.status_code == 400
    added = client.post(
        "/en/cart/add", data={"product_id": product.id, "qty": 1, "csrf_token": csrf(page)}
    )
    assert added.status_code == 302
    assert "Lotus tea" in client.get("/en/cart").get_data(as_text=True)


def test_visitors_with_a_session_of_their_own_are_answered_by_flask(app, client, auth):
    ProductFactory(slug="tra")
    app.test_client().get("/en/p/tra")  # stored
    flask_requests = FlaskRequests(app)
    UserFactory(email="buyer@example.com")
    auth.login(lang="en")
    client.get("/en/p/tra")
    remembered = app.test_client()
    remembered.set_cookie("remember_token", "1|abc")
    remembered.get("/en/p/tra")
    assert flask_requests.paths == ["/en/login", "/en/p/tra", "/en/p/tra"]
    assert app.test_client().get("/en/p/tra").status_code == 200  # a stranger again
    assert len(flask_requests.paths) == 3
