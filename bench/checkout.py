"""How many checkouts per second the app takes on SQLite with gunicorn, and their p95 latency.

    .venv/bin/python bench/checkout.py [--workers 2] [--clients 8] [--seconds 10] [--json]

In a temporary folder: migrates a fresh SQLite database, inserts two cooperatives with one
product each (stock that never runs out) and --buyers buyers, each already signed in (the
script signs their session cookies with the app's secret, as a login would have) and with
both products in their cart. It serves `wsgi:app` with gunicorn (production settings, CSRF
on) on a socket of 127.0.0.1 that it opened and hands down (`--bind fd://N`, so requests
queue until a worker is up), then --clients threads send the real checkout form, one buyer
after another, for --seconds. A checkout reserves stock, writes one order with two shop
orders, empties the cart and writes the confirmation mail.

It prints checkouts per second (302 answers to POST /vi/checkout) with p50/p95 latency and
the server's CPU time per checkout. With --loop it then also measures whole shopping loops
(add both products, check out, open the order page: 4 requests per checkout).
The load generator shares the machine with the workers and anything else running: the
figures are lower bounds and nothing here passes or fails.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from itertools import count
from pathlib import Path
from statistics import quantiles
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET = 30.0  # checkouts per second, from the issue
SECRET = "bench-only-secret"
DELIVERY = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912345678",
    "address": "12 Lê Lợi",
    "commune": "Phường Buôn Ma Thuột",
    "province": "dak-lak",
    "payment_method": "cod",
}


def environment(workdir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STRIPE_", "VIETQR_", "MAIL_", "FLASK_DEBUG"))
    }
    env.update(
        APP_ENV="production",
        SECRET_KEY=SECRET,
        FLASK_APP="wsgi.py",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite'}",
        INSTANCE_DIR=str(workdir / "instance"),
        UPLOAD_DIR=str(workdir / "uploads"),
        SEARCH_INDEX_DIR=str(workdir / "search"),
        MAIL_OUTBOX_DIR=str(workdir / "outbox"),
    )
    return env


def prepare(env: dict[str, str], buyers: int) -> tuple[list[int], list[tuple[str, str]]]:
    """Migrate and fill the database; returns the product ids and (cookie, csrf) per buyer."""
    done = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")
    os.environ.update(env)  # config.py reads the environment when first imported
    sys.path.insert(0, str(REPO))
    import sqlalchemy as sa
    from itsdangerous import URLSafeTimedSerializer

    from app import create_app
    from app.extensions import db
    from app.models import CartItem, Product, ProductStatus, Province, Shop, User

    app = create_app()
    with app.app_context():
        province = db.session.scalar(sa.select(Province).where(Province.slug == "dak-lak"))
        products = []
        for n, (name, price) in enumerate((("Cà phê Robusta", 180000), ("Mật ong rừng", 250000))):
            shop = Shop(slug=f"htx-{n}", name_vi=f"HTX số {n}", province=province)
            product = Product(
                shop=shop,
                sku=f"SP-{n}",
                slug=f"san-pham-{n}",
                name_vi=name,
                price_vnd=price,
                stock=1_000_000_000,
                status=ProductStatus.APPROVED,
            )
            db.session.add_all([shop, product])
            products.append(product)
        db.session.flush()
        product_ids = [p.id for p in products]
        db.session.execute(
            sa.insert(User),
            [
                {"email": f"buyer{n}@example.com", "name": "Bench", "password_hash": "-"}
                for n in range(buyers)
            ],
        )
        user_ids = db.session.scalars(sa.select(User.id).order_by(User.id)).all()
        db.session.execute(
            sa.insert(CartItem),
            [
                {"user_id": user_id, "product_id": product_id, "qty": 1}
                for user_id in user_ids
                for product_id in product_ids
            ],
        )
        db.session.commit()
        db.engine.dispose()
        # What a sign-in leaves in the session: Flask-Login's user id and the CSRF secret.
        cookies = app.session_interface.get_signing_serializer(app)
        forms = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
        sessions = []
        for user_id in user_ids:
            raw = secrets.token_hex(20)
            cookie = cookies.dumps({"_user_id": str(user_id), "_fresh": True, "csrf_token": raw})
            sessions.append((f"session={cookie}", forms.dumps(raw)))
    return product_ids, sessions


class Connection:
    """One keep-alive connection; the session cookie is sent by hand (production marks it
    Secure, which a cookie jar would not send over http)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, cookie: str, form: dict | None = None):
        headers = {"Cookie": cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 0, "", cookie
        new_cookie = response.getheader("Set-Cookie") or ""
        if new_cookie.startswith("session="):
            cookie = new_cookie.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", cookie


def checkout_only(conn: Connection, session: tuple[str, str], product_ids) -> tuple[bool, float]:
    cookie, token = session
    started = time.perf_counter()
    status, location, _ = conn.send(
        "POST", "/vi/checkout", cookie, {**DELIVERY, "csrf_token": token}
    )
    return status == 302 and location.startswith("/vi/orders/"), time.perf_counter() - started


def shopping_loop(conn: Connection, session: tuple[str, str], product_ids) -> tuple[bool, float]:
    """Add both products, check out, open the order page (which also clears the flashes)."""
    cookie, token = session
    for product_id in product_ids:
        form = {"product_id": product_id, "qty": 1, "csrf_token": token}
        status, _, cookie = conn.send("POST", "/vi/cart/add", cookie, form)
        if status != 302:
            return False, 0.0
    started = time.perf_counter()
    status, location, cookie = conn.send(
        "POST", "/vi/checkout", cookie, {**DELIVERY, "csrf_token": token}
    )
    seconds = time.perf_counter() - started
    if status != 302 or not location.startswith("/vi/orders/"):
        return False, seconds
    status, _, cookie = conn.send("GET", location, cookie)
    return status == 200, seconds


def server_cpu_seconds(master: int) -> float:
    """CPU time of the gunicorn master and its workers so far (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(master) or int(fields[1]) == master:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def measure(name, step, port, sessions, product_ids, clients, seconds, server_pid) -> dict:
    """`clients` threads run `step` for `seconds`, each time for the next buyer."""
    next_buyer = count()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures = [0] * clients
    ran_out = threading.Event()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = Connection(port)
        while time.monotonic() < deadline:
            n = next(next_buyer)  # itertools.count is atomic under the GIL
            if n >= len(sessions):
                ran_out.set()
                return
            placed, took = step(conn, sessions[n], product_ids)
            if placed:
                latencies[k].append(took)
            else:
                failures[k] += 1

    cpu_before = server_cpu_seconds(server_pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = server_cpu_seconds(server_pid) - cpu_before
    times = sorted(t for per_client in latencies for t in per_client)
    cuts = quantiles(times, n=100, method="inclusive") if len(times) >= 2 else [float("nan")] * 99
    done = len(times)
    return {
        "phase": name,
        "seconds": round(elapsed, 2),
        "checkouts": done,
        "failures": sum(failures),
        "checkouts_per_s": round(done / elapsed, 1),
        "checkout_p50_ms": round(cuts[49] * 1000, 1),
        "checkout_p95_ms": round(cuts[94] * 1000, 1),
        "server_cpu_ms_per_checkout": round(cpu * 1000 / done, 1) if done else None,
        "ran_out_of_buyers": ran_out.is_set(),
    }


def run(args) -> dict:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        workdir = Path(tmp)
        env = environment(workdir)
        product_ids, sessions = prepare(env, args.buyers)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(256)
        port = listener.getsockname()[1]
        log = (workdir / "gunicorn.log").open("wb")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(args.workers), "--bind",
             f"fd://{listener.fileno()}", "--log-level", "warning", "wsgi:app"],
            cwd=REPO, env=env, pass_fds=[listener.fileno()], stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            warm = Connection(port)
            for session in sessions[:4]:  # workers up, templates compiled, connections opened
                checkout_only(warm, session, product_ids)
            sessions = sessions[4:]
            half = len(sessions) // 2 if args.loop else len(sessions)
            phases = [
                measure(
                    "checkout",
                    checkout_only,
                    port,
                    sessions[:half],
                    product_ids,
                    args.clients,
                    args.seconds,
                    server.pid,
                )
            ]
            if args.loop:
                phases.append(
                    measure(
                        "shopping loop",
                        shopping_loop,
                        port,
                        sessions[half:],
                        product_ids,
                        args.clients,
                        args.seconds,
                        server.pid,
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            listener.close()
            log.close()
            if any(p["failures"] for p in locals().get("phases", [])):
                print((workdir / "gunicorn.log").read_text(errors="replace")[-3000:])
    return {
        "workers": args.workers,
        "clients": args.clients,
        "load_average_before": round(load_before, 2),
        "target_checkouts_per_s": TARGET,
        "phases": phases,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent buyers (8)")
    parser.add_argument("--seconds", type=float, default=10, help="time per phase (10)")
    parser.add_argument("--buyers", type=int, default=3000, help="signed-in buyers (3000)")
    parser.add_argument("--loop", action="store_true", help="also measure whole shopping loops")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"checkout on SQLite, {result['workers']} gunicorn sync workers, {result['clients']} "
        f"clients (load average before: {result['load_average_before']})"
    )
    for phase in result["phases"]:
        met = "met" if phase["checkouts_per_s"] >= TARGET else "NOT met"
        requests = "1 request" if phase["phase"] == "checkout" else "4 requests"
        print(
            f"  {phase['phase']} ({requests} per checkout, {phase['seconds']} s)\n"
            f"    checkouts/s   {phase['checkouts_per_s']:>7}   target {TARGET:.0f}: {met}\n"
            f"    checkout p50  {phase['checkout_p50_ms']:>7} ms\n"
            f"    checkout p95  {phase['checkout_p95_ms']:>7} ms\n"
            f"    server CPU    {phase['server_cpu_ms_per_checkout']:>7} ms per checkout\n"
            f"    checkouts {phase['checkouts']}, failed {phase['failures']}"
            + ("  (ran out of buyers: raise --buyers)" if phase["ran_out_of_buyers"] else "")
        )


if __name__ == "__main__":
    main()
