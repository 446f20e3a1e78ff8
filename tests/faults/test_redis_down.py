"""Redis unreachable from the start (its port closed): sign-in, search, the API and checkout
answer as usual, rate limits still count (in this process's memory, and the log says so),
and /healthz names Redis as the part that is down while answering 200."""

import logging

import pytest

from tests.factories import ProductFactory, ShopFactory
from tests.servers import free_port
from tests.shopping import buyer, placed_order

DEAD = f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def app_settings():
    return {"REDIS_URL": DEAD, "RATELIMIT_STORAGE_URI": DEAD, "RATELIMIT_LOGIN": "3 per minute"}


def test_with_redis_down_sign_in_is_still_limited_in_memory_and_nothing_is_a_500(
    app, client, auth, caplog
):
    buyer()
    caplog.set_level(logging.WARNING)
    answers = [auth.login("buyer@example.com", "wrong password").status_code for _ in range(3)]
    assert 500 not in answers and 429 not in answers
    assert auth.login("buyer@example.com", "wrong password").status_code == 429
    logged = [r.getMessage() for phase in ("setup", "call") for r in caplog.get_records(phase)]
    assert any("falling back to in-memory storage" in message for message in logged)


def test_with_redis_down_search_checkout_and_healthz_work(app, client, auth):
    product = ProductFactory(shop=ShopFactory(), name_vi="Mật ong rừng U Minh", stock=5)
    buyer()
    assert client.get("/api/v1/products?q=mat+ong").get_json()["total"] == 1
    assert client.get("/vi/search?q=mat+ong").status_code == 200
    assert client.get("/api/v1/suggest?q=mat").status_code == 200
    auth.login("buyer@example.com")
    placed = placed_order(client, [(product, 2)])
    assert placed.total_vnd > 0
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {"status": "degraded", "db": "ok", "search": "ok", "redis": "down"}
