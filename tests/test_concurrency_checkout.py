"""30 buyers race for the last 10 units through the real web forms on a multi-worker gunicorn.

The server runs as `gunicorn wsgi:app` in production does (CSRF on, sync workers, separate
processes), on this test's SQLite file. It listens on a socket the test opened first and
passes down (`--bind fd://N`), so requests simply queue until a worker is up: no waiting
loop, no port race.
"""

import os
import re
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import Order, OrderLine, Product
from config import BASE_DIR
from tests.factories import ProductFactory, UserFactory
from tests.shopping import DELIVERY

BUYERS, UNITS, WORKERS = 30, 10, 4
TIMEOUT = 60  # seconds per request: generous on a busy 2-core machine, never reached


@pytest.fixture
def server(app, tmp_path):
    """`gunicorn --workers 4 wsgi:app` on this test's database; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRIPE_", "VIETQR_", "MAIL_", "DATABASE_URL"))
    }
    env.update(
        APP_ENV="development",
        SECRET_KEY="concurrency-test",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_DIR=str(tmp_path / "instance"),
        MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
        SEARCH_INDEX_DIR=str(tmp_path / "search"),
        UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"fd://{listener.fileno()}",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=BASE_DIR,
        env=env,
        pass_fds=[listener.fileno()],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        listener.close()
        log.close()
        print((tmp_path / "gunicorn.log").read_text()[-3000:])  # shown only on failure


def csrf_token(response) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', response.text).group(1)


class Buyer:
    """One browser: its own cookies, going through the same forms a person would."""

    def __init__(self, base: str, email: str):
        self.base, self.email = base, email
        self.http = requests.Session()
        self.http.trust_env = False  # 127.0.0.1 only, never a proxy
        self.statuses: list[int] = []

    def _send(self, method: str, path: str, **kwargs):
        response = self.http.request(
            method, self.base + path, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
        self.statuses.append(response.status_code)
        return response

    def fill_cart(self, product_id: int) -> None:
        token = csrf_token(self._send("GET", "/en/login"))
        login = {"email": self.email, "password": "password123", "csrf_token": token}
        assert self._send("POST", "/en/login", data=login).status_code == 302
        added = self._send(
            "POST", "/en/cart/add", data={"product_id": product_id, "qty": 1, "csrf_token": token}
        )
        assert added.status_code == 302
        page = self._send("GET", "/en/checkout")
        assert page.status_code == 200
        self.token = csrf_token(page)

    def check_out(self):
        return self._send(
            "POST",
            "/en/checkout",
            data={**DELIVERY, "payment_method": "cod", "csrf_token": self.token},
        )


def test_thirty_buyers_racing_for_ten_units_get_exactly_ten_orders(server):
    product = ProductFactory(name_en="Last jars of honey", stock=UNITS, price_vnd=200000)
    emails = [UserFactory(email=f"racer{n}@example.com").email for n in range(BUYERS)]
    product_id = product.id
    buyers = [Buyer(server, email) for email in emails]

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        list(pool.map(lambda b: b.fill_cart(product_id), buyers))
        start = threading.Barrier(BUYERS)

        def race(buyer):
            start.wait()  # everyone presses "Place order" at the same moment
            return buyer.check_out()

        results = list(pool.map(race, buyers))

    codes = sorted(r.status_code for r in results)
    assert codes == [302] * UNITS + [409] * (BUYERS - UNITS)
    assert all(
        r.headers["Location"].startswith("/en/orders/CHX-") for r in results if r.status_code == 302
    )
    for refused in (r for r in results if r.status_code == 409):
        assert "Sorry, someone was faster: Last jars of honey is sold out." in refused.text
    assert all(code < 500 for buyer in buyers for code in buyer.statuses)

    db.session.expire_all()
    assert db.session.scalar(sa.select(Product.stock).where(Product.id == product_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == UNITS
    assert db.session.scalar(sa.select(sa.func.sum(OrderLine.qty))) == UNITS
    buyers_with_orders = db.session.scalar(sa.select(sa.func.count(sa.distinct(Order.buyer_id))))
    assert buyers_with_orders == UNITS
