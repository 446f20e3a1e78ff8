"""A GET only reads: every GET route of the authorisation matrix, opened by every role, runs
no INSERT, UPDATE or DELETE; an overdue order reads as expired and only the job expires it.

The routes, roles and the world they are opened in are the authorisation matrix's
(tests/test_authorization_matrix.py); this file adds a listener on the engine that notes
every statement that would change the database.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from other test modules by name)

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from app import clock
from app.extensions import db
from tests.factories import ProductFactory
from tests.shopping import bank_account, buyer, order, placed_order, stock_of  # noqa: F401
from tests.test_authorization_matrix import (  # noqa: F401
    ALL_RULES,
    MATRIX,
    ROLES,
    client_as,
    copy_of,
    world,
)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE)\b", re.IGNORECASE)


class Writes:
    """The writing statements run on an engine while it is watched."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.statements: list[str] = []

    def _note(self, conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement):
            self.statements.append(" ".join(statement.split())[:160])

    def __enter__(self) -> "Writes":
        sa.event.listen(self.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._note)


@pytest.fixture(scope="module")
def crawled(world, tmp_path_factory):
    """One copy of the world for the whole crawl: a GET that wrote would show up anyway."""
    with copy_of(world, tmp_path_factory.mktemp("get-crawl")) as app:
        yield app


GET_RULES = [r for r in ALL_RULES if "GET" in r.methods and MATRIX[r.endpoint][0] != "-"]


@pytest.mark.parametrize("rule", GET_RULES, ids=lambda rule: rule.endpoint)
def test_no_get_route_writes_for_any_role(crawled, world, rule):
    with crawled.app_context():
        with crawled.test_request_context():
            url = url_for(rule.endpoint, **world.url_args(rule.endpoint, set(rule.arguments)))
        wrote = {}
        for role in ROLES:
            with Writes(db.engine) as writes:
                client_as(crawled, world, role).get(url)
            if writes.statements:
                wrote[role] = writes.statements
    assert not wrote, f"GET {url} wrote to the database: {wrote}"


def test_the_crawl_covers_every_get_route_of_the_matrix():
    endpoints = {rule.endpoint for rule in GET_RULES}
    assert endpoints == {e for e, (get, _post) in MATRIX.items() if get != "-"}
    assert {"orders.order_page", "orders.cart", "orders.checkout"} <= endpoints
    assert "payouts.payout_settings" in endpoints


def test_the_listener_sees_a_write(app):
    with Writes(db.engine) as writes:
        ProductFactory()
    assert any(s.startswith("INSERT") for s in writes.statements)


def test_an_overdue_order_reads_as_expired_until_the_job_expires_it(
    app, client, auth, runner, bank_account
):
    product = ProductFactory(stock=5)
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 2)], "bank_transfer", lang="en")
    minutes = app.config["BANK_TRANSFER_TIMEOUT_MINUTES"]

    with clock.advanced_by(timedelta(minutes=minutes - 1)):
        with Writes(db.engine) as writes:
            html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
        assert "<svg" in html and "Cancel order" in html  # still time to pay
        assert not writes.statements

    with clock.advanced_by(timedelta(minutes=minutes, seconds=1)):
        with Writes(db.engine) as writes:
            html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
            history = client.get("/en/orders").get_data(as_text=True)
            client.get("/en/cart")
            client.get("/en/checkout")
        assert not writes.statements
        assert "Not paid in time" in html and "Cancelled" in html and "<svg" not in html
        assert "Cancel order" not in html and "Cancelled" in history
        assert stock_of(product) == 3  # still reserved: no page gives it back

        result = runner.invoke(args=["orders", "expire"])
        assert result.exit_code == 0 and "1 unpaid order(s) expired." in result.output

    assert order(placed.number).shop_orders[0].status == "cancelled"
    assert stock_of(product) == 5
    assert "0 unpaid order(s) expired." in runner.invoke(args=["orders", "expire"]).output
