"""PostgreSQL restarted under load, and a gunicorn worker killed in the middle of a
checkout, on a throwaway cluster of their own (tests/servers.py) with gunicorn's three
workers: requests caught by the restart get a 503 with Retry-After, never a 500; the pool
reconnects by itself (pre-ping); a killed worker's transaction rolls back, nothing stays
reserved; and the database invariants hold throughout."""

import threading
import time

import psycopg
import pytest

from tests.faults.stack import Client, Load, Stack, wait_until
from tests.servers import postgres_server


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with postgres_server() as cluster:
        stack = Stack(tmp_path_factory.mktemp("pg-stack"), cluster.url).prepare()
        stack.cluster = cluster
        stack.start(workers=3)
        try:
            yield stack
        finally:
            stack.stop()


def sql(stack, query: str, *args):
    with psycopg.connect(stack.database_url.replace("+psycopg", ""), autocommit=True) as db:
        return db.execute(query, args).fetchall()


def test_postgres_restart_under_load_is_503s_with_retry_after_then_recovers(stack):
    with Load(stack, clients=4, limit=2000, seed=2) as load:
        load.wait_for(60)
        stopped = time.monotonic()
        stack.cluster.stop("fast")  # every session ends: transactions in flight roll back
        wait_until(
            lambda: any(a.status == 503 for a in load.tally.since(stopped)), "a 503 while down"
        )
        status, health = stack.health()
        assert status == 503 and health["db"] == "error"
        stack.cluster.start()
        started = time.monotonic()
        wait_until(lambda: stack.health()[0] == 200, "healthz back", seconds=60)
        recovered = time.monotonic()
        load.wait_for(120)
    summary = load.tally.summary()
    assert summary["500"] == 0, (summary, stack.tracebacks()[-3:])
    assert summary["503 without Retry-After"] == 0
    assert summary["unexpected"] == []
    after = [a for a in load.tally.since(recovered + 1.0)]
    assert after and all(a.status != 503 for a in after), "the pool did not reconnect"
    assert recovered - started < 30
    invariants = stack.invariants()
    assert all(invariants.values()), invariants


def test_a_worker_killed_mid_checkout_leaves_no_order_and_nothing_reserved(stack):
    cookie, token = stack.buyers[-1]  # a buyer the load loop does not use
    (user_id,) = sql(stack, 'SELECT id FROM "user" WHERE email = %s', "buyer399@example.com")[0]
    product = stack.hot[0]
    client = Client(stack.port)
    form = {"product_id": product, "qty": 2, "csrf_token": token}
    status, _, cookie, _ = client.send("POST", "/vi/cart/add", cookie, form)
    assert status == 302
    (stock_before,) = sql(stack, "SELECT stock FROM product WHERE id = %s", product)[0]

    # Another session holds the buyer's cart row: the checkout reserves the stock and writes
    # the order, its shop order and lines, then waits on that row to empty the cart.
    holder = psycopg.connect(stack.database_url.replace("+psycopg", ""))
    holder.execute("SELECT * FROM cart_item WHERE user_id = %s FOR UPDATE", (user_id,))
    answers = []
    delivery = {
        "name": "Trần Văn Bình",
        "phone": "0987654321",
        "address": "1 Hùng Vương",
        "commune": "Phường Buôn Ma Thuột",
        "province": "dak-lak",
        "payment_method": "cod",
        "csrf_token": token,
    }
    checkout = threading.Thread(
        target=lambda: answers.append(
            Client(stack.port).send("POST", "/vi/checkout", cookie, delivery)[0]
        )
    )
    with Load(stack, clients=2, limit=3000, seed=3) as load:
        checkout.start()
        wait_until(
            lambda: sql(
                stack,
                "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query ILIKE 'DELETE FROM cart_item%%'",
            ),
            "the checkout waiting mid-transaction",
        )
        killed = stack.kill_workers()
        checkout.join(timeout=30)
        holder.rollback()
        holder.close()
        # The killed worker's session ends with its socket: its transaction rolls back.
        wait_until(
            lambda: (
                not sql(
                    stack,
                    "SELECT 1 FROM pg_stat_activity WHERE datname = 'chohtx' "
                    "AND (state = 'idle in transaction' OR wait_event_type = 'Lock')",
                )
            ),
            "the killed worker's transaction gone",
        )
        wait_until(
            lambda: len(set(stack.worker_pids()) - set(killed)) >= 3, "new workers", seconds=120
        )
        load.wait_for(40)
    assert answers == [0]  # no answer: the worker died
    assert sql(stack, 'SELECT count(*) FROM "order" WHERE buyer_id = %s', user_id)[0][0] == 0
    (stock_after,) = sql(stack, "SELECT stock FROM product WHERE id = %s", product)[0]
    sold_meanwhile = sql(
        stack,
        "SELECT coalesce(sum(qty), 0) FROM order_line ol JOIN shop_order so "
        'ON so.id = ol.shop_order_id JOIN "order" o ON o.id = so.order_id '
        "WHERE ol.product_id = %s",
        product,
    )[0][0]
    assert stock_after + sold_meanwhile == stack.initial_stock[product]
    assert stock_after <= stock_before
    invariants = stack.invariants()
    assert all(invariants.values()), invariants
    summary = load.tally.summary()
    assert summary["500"] == 0, (summary, stack.tracebacks()[-3:])

    # The cart is still there and the buyer's retry goes through.
    status, location, _, _ = Client(stack.port).send("POST", "/vi/checkout", cookie, delivery)
    if stock_after >= 2:
        assert status == 302
        assert sql(stack, 'SELECT count(*) FROM "order" WHERE buyer_id = %s', user_id)[0][0] == 1
    else:
        assert status == 409  # sold out meanwhile: a clear answer, nothing reserved
