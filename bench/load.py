"""A mixed shopping workload against gunicorn on 127.0.0.1, on SQLite or PostgreSQL.

    .venv/bin/python bench/load.py --database sqlite      [--products 3000] [--requests 6000]
    .venv/bin/python bench/load.py --database postgres    [--redis] [--json]

In a temporary folder (and, for PostgreSQL, a throwaway cluster from tests/servers.py):
migrates a fresh database, fills it with bench/pages.py's catalogue (10 cooperatives,
--products products, images), marks --hot products as the ones buyers fight over (little
stock each), creates --buyers signed-in buyers, builds the search index (Whoosh on SQLite,
PostgreSQL full text on PostgreSQL), and serves `wsgi:app` with `gunicorn -c
gunicorn.conf.py` (production settings, CSRF on; --workers sync workers). With --redis, a
throwaway redis-server holds the page cache and a `flask jobs worker` runs the jobs.

Then --clients threads, each on a keep-alive connection, send a mix of requests until
--requests are done or --seconds have passed, whichever comes first:

    browse  70%  anonymous: home, category pages, product pages, the shops, one shop
    search  20%  the search page and the JSON API, with words buyers type (and typos)
    buy     10%  a signed-in buyer adds a hot product to the cart, checks out (COD) and
                 opens the order page: three requests

It prints requests/s, latency p50/p95/p99 per kind and overall, and errors (5xx, other
unexpected statuses, connection failures). A sold-out answer (409) is the shop working as
it should and is counted apart. Afterwards it checks the database: no stock below zero,
and every hot product's stock went down by exactly the units in its order lines (nothing
oversold). The load generator runs on the same machine as the server and competes with it
for the cores: the figures are lower bounds, and nothing here passes or fails.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from statistics import quantiles
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
BIN = Path(sys.executable).parent
sys.path[:0] = [str(REPO), str(BENCH)]

import pages  # noqa: E402  (bench/pages.py: the catalogue and the gunicorn helpers)

from tests.servers import postgres_cluster, redis_server  # noqa: E402

SECRET = "bench-only-secret"
TARGET_RPS, TARGET_P95_MS = 200.0, 100.0  # the targets on a 2-core machine
MIX = (("browse", 70.0), ("search", 20.0), ("buy", 10.0 / 3))  # a "buy" is three requests
DELIVERY = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912345678",
    "address": "12 Lê Lợi",
    "commune": "Phường Buôn Ma Thuột",
    "province": "dak-lak",
    "payment_method": "cod",
}
SEARCHES = [
    "cà phê",
    "ca phe robusta",
    "nuoc mam",
    "mật ong",
    "tra xanh",
    "gạo st25",
    "khan lua",
    "tiêu đen",
    "honey",
    "fish sauce",
    "silk scarf",
    "cashews",
    "ca pje",  # a typo: "did you mean"
    "ruou ngo",
    "vải thiều",
    "tinh dau que",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database -------------------------------------------------------------------------


def environment(workdir: Path, database_url: str, search_backend: str, redis_url: str | None):
    env = pages.bench_environment(workdir)
    env.update(
        SECRET_KEY=SECRET,
        DATABASE_URL=database_url,
        SEARCH_BACKEND=search_backend,
        GUNICORN_ACCESS_LOG="",  # no access log: it would cost the workers time
        GUNICORN_LOG_LEVEL="warning",
        # Every simulated visitor comes from 127.0.0.1: rate limits would refuse them as one.
        RATELIMIT_ENABLED="0",
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare(env: dict[str, str], args) -> dict:
    """Catalogue, hot products and buyers; returns what the clients need."""
    log("migrating and filling the catalogue ...")
    pages.migrate(env)
    catalogue = pages.fill_catalog(env, args.products, min(args.products, 300))
    import sqlalchemy as sa
    from itsdangerous import URLSafeTimedSerializer

    from app import create_app
    from app.extensions import db
    from app.models import Category, Product, Shop, User

    app = create_app()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # the catalogue was inserted with its ids
            for table in ("shop", "product"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        hot = list(
            db.session.scalars(sa.select(Product.id).order_by(Product.id.desc()).limit(args.hot))
        )
        db.session.execute(
            sa.update(Product).where(Product.id.in_(hot)).values(stock=args.hot_stock)
        )
        db.session.execute(
            sa.insert(User),
            [
                {"email": f"buyer{n}@example.com", "name": "Khách", "password_hash": "-"}
                for n in range(args.buyers)
            ],
        )
        db.session.commit()
        users = db.session.scalars(sa.select(User.id).order_by(User.id)).all()
        categories = db.session.scalars(sa.select(Category.slug)).all()
        shops = db.session.scalars(sa.select(Shop.slug)).all()
        products = db.session.scalars(sa.select(Product.slug).order_by(Product.id)).all()
        cookies = app.session_interface.get_signing_serializer(app)
        forms = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
        sessions = []
        for user_id in users:  # what a sign-in leaves in the session
            raw = secrets.token_hex(20)
            cookie = cookies.dumps({"_user_id": str(user_id), "_fresh": True, "csrf_token": raw})
            sessions.append((f"session={cookie}", forms.dumps(raw)))
        db.engine.dispose()
    log("building the search index ...")
    done = subprocess.run(
        [str(BIN / "flask"), "search", "reindex"], cwd=REPO, env=env, capture_output=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask search reindex failed:\n{done.stderr.decode()[-3000:]}")
    return {
        "hot": hot,
        "sessions": sessions,
        "categories": categories,
        "shops": shops,
        "products": products,
        "images": catalogue["images"],
    }


def stock_check(hot: list[int], initial: int) -> dict:
    """No stock below zero; each hot product sold exactly what its stock lost."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import OrderLine, Product

    app = create_app()
    with app.app_context():
        negative = db.session.scalar(sa.select(sa.func.count()).where(Product.stock < 0))
        stock = dict(db.session.execute(sa.select(Product.id, Product.stock)).all())
        sold = dict(
            db.session.execute(
                sa.select(OrderLine.product_id, sa.func.sum(OrderLine.qty))
                .where(OrderLine.product_id.in_(hot))
                .group_by(OrderLine.product_id)
            ).all()
        )
        db.engine.dispose()
    mismatched = [p for p in hot if initial - stock[p] != sold.get(p, 0)]
    return {
        "negative_stock": negative,
        "units_sold": sum(sold.values()),
        "units_left": sum(stock[p] for p in hot),
        "mismatched": mismatched,
        "oversold": negative > 0 or bool(mismatched) or any(v > initial for v in sold.values()),
    }


# --- the load -----------------------------------------------------------------------------


class Client:
    """One keep-alive connection. Cookies are sent by hand: production marks the session
    cookie Secure, which a cookie jar would not send over http."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, cookie: str = "", form: dict | None = None):
        headers = {"Accept-Language": "vi"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, "", cookie, time.perf_counter() - started
        took = time.perf_counter() - started
        new_cookie = response.getheader("Set-Cookie") or ""
        if new_cookie.startswith("session="):
            cookie = new_cookie.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", cookie, took


class Tally:
    """Latencies and outcomes per kind of request, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.sold_out = 0
        self.orders = 0
        self.samples: list[str] = []

    def record(self, kind: str, status: int, took: float, ok: set[int], path: str) -> bool:
        with self.lock:
            self.latencies.setdefault(kind, []).append(took)
            if status == 409 and kind.startswith("buy"):
                self.sold_out += 1
                return False
            if status not in ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{status} {path}")
                return False
            return True

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def browse_path(data: dict, rng: random.Random) -> str:
    roll = rng.random()
    lang = "vi" if rng.random() < 0.8 else "en"
    if roll < 0.15:
        return f"/{lang}/"
    if roll < 0.40:
        return f"/{lang}/c/{rng.choice(data['categories'])}?page={rng.randint(1, 3)}"
    if roll < 0.90:
        # Buyers look at some products far more than others.
        products = data["products"]
        index = min(int(rng.expovariate(1 / 150)), len(products) - 1)
        return f"/{lang}/p/{products[-1 - index]}"
    if roll < 0.95:
        return f"/{lang}/shops"
    return f"/{lang}/s/{rng.choice(data['shops'])}"


def search_path(rng: random.Random) -> str:
    words = quote(rng.choice(SEARCHES))
    if rng.random() < 0.75:
        page = "&page=2" if rng.random() < 0.1 else ""
        return f"/{'vi' if rng.random() < 0.8 else 'en'}/search?q={words}{page}"
    return f"/api/v1/products?q={words}&per_page=20"


def run_load(port: int, data: dict, args) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    budget = iter(range(args.requests))  # next() on it is atomic under the GIL
    buyers = iter(data["sessions"])
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]

    def take(n: int) -> bool:
        try:
            for _ in range(n):
                next(budget)
        except StopIteration:
            return False
        return time.monotonic() < deadline

    def client(k: int) -> None:
        rng = random.Random(k)
        conn = Client(port)
        while True:
            kind = rng.choices(kinds, weights)[0]
            if kind == "browse":
                if not take(1):
                    return
                path = browse_path(data, rng)
                status, _, _, took = conn.send("GET", path)
                tally.record("browse", status, took, {200}, path)
            elif kind == "search":
                if not take(1):
                    return
                path = search_path(rng)
                status, _, _, took = conn.send("GET", path)
                tally.record("search", status, took, {200}, path)
            else:
                session = next(buyers, None)
                if session is None or not take(3):
                    return
                cookie, token = session
                form = {"product_id": rng.choice(data["hot"]), "qty": 1, "csrf_token": token}
                status, _, cookie, took = conn.send("POST", "/vi/cart/add", cookie, form)
                if not tally.record("buy: add to cart", status, took, {302}, "/vi/cart/add"):
                    continue
                form = {**DELIVERY, "csrf_token": token}
                status, location, cookie, took = conn.send("POST", "/vi/checkout", cookie, form)
                if not tally.record("buy: checkout", status, took, {302}, "/vi/checkout"):
                    continue
                with tally.lock:
                    tally.orders += 1
                status, _, _, took = conn.send("GET", location, cookie)
                tally.record("buy: order page", status, took, {200}, location)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def percentiles(times: list[float]) -> dict[str, float]:
    if len(times) < 2:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    cuts = quantiles(sorted(times), n=100, method="inclusive")
    return {f"p{q}_ms": round(cuts[q - 1] * 1000, 1) for q in (50, 95, 99)}


# --- main -----------------------------------------------------------------------------------


def run(args) -> dict:
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        if args.database == "postgres":
            log("starting a throwaway PostgreSQL cluster ...")
            database_url = stack.enter_context(postgres_cluster())
            search_backend = args.search or "postgres"
        else:
            database_url = f"sqlite:///{workdir / 'bench.sqlite'}"
            search_backend = args.search or "whoosh"
        redis_url = stack.enter_context(redis_server()) if args.redis else None
        env = environment(workdir, database_url, search_backend, redis_url)
        os.environ.update(env)  # config.py reads the environment when first imported
        data = prepare(env, args)
        env["WEB_CONCURRENCY"] = str(args.workers)
        server = pages.Server("app", pages.free_port(), None, workdir / "gunicorn.log")
        env["PORT"] = str(server.port)
        with server.log_path.open("wb") as log_file:
            server.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"), "wsgi:app"],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.callback(pages.stop, server)
        if redis_url:
            worker = subprocess.Popen(
                [str(BIN / "flask"), "jobs", "worker"],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            stack.callback(worker.wait, 30)
            stack.callback(worker.terminate)
        pages.wait_ready(server, "/healthz")
        log("warming up ...")
        warm = Client(server.port)
        for path in ["/vi/", "/en/", "/vi/shops"] + [f"/vi/search?q={quote(q)}" for q in SEARCHES]:
            warm.send("GET", path)
        cpu_before = pages.server_cpu_seconds(server) or 0.0
        log(f"loading: {args.clients} clients, {args.requests} requests or {args.seconds} s ...")
        tally, elapsed = run_load(server.port, data, args)
        cpu = (pages.server_cpu_seconds(server) or 0.0) - cpu_before
        pages.stop(server)
        check = stock_check(data["hot"], args.hot_stock)
        if tally.errors:
            log(server.log_path.read_text(errors="replace")[-3000:])
    every = [t for times in tally.latencies.values() for t in times]
    total_errors = sum(tally.errors.values())
    by_kind = {
        kind: {"requests": len(times), "errors": tally.errors.get(kind, 0), **percentiles(times)}
        for kind, times in sorted(tally.latencies.items())
    }
    return {
        "database": args.database,
        "search_backend": search_backend,
        "redis": bool(args.redis),
        "workers": args.workers,
        "clients": args.clients,
        "products": args.products,
        "load_average_before": round(load_before, 2),
        "seconds": round(elapsed, 2),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1) if elapsed else 0.0,
        **percentiles(every),
        "errors": total_errors,
        "error_samples": tally.samples,
        "sold_out_answers": tally.sold_out,
        "orders": tally.orders,
        "server_cpu_ms_per_request": round(cpu * 1000 / len(every), 2) if every else None,
        "by_kind": by_kind,
        "stock": check,
    }


def report(result: dict) -> None:
    met = (
        result["requests_per_s"] >= TARGET_RPS
        and result["p95_ms"] < TARGET_P95_MS
        and result["errors"] == 0
        and not result["stock"]["oversold"]
    )
    print(
        f"Mixed load on {result['database']} (search: {result['search_backend']}"
        f"{', Redis cache and jobs' if result['redis'] else ''}), gunicorn "
        f"{result['workers']} sync workers, {result['clients']} clients, "
        f"{result['products']} products; load average before {result['load_average_before']}"
    )
    print(
        f"  {result['requests']} requests in {result['seconds']} s: "
        f"{result['requests_per_s']} requests/s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, errors {result['errors']}"
    )
    print(f"  server CPU {result['server_cpu_ms_per_request']} ms per request")
    for kind, figures in result["by_kind"].items():
        print(
            f"    {kind:<18} {figures['requests']:>6} requests  p50 {figures['p50_ms']:>6} ms"
            f"  p95 {figures['p95_ms']:>6} ms  p99 {figures['p99_ms']:>6} ms"
            f"  errors {figures['errors']}"
        )
    stock = result["stock"]
    print(
        f"  orders {result['orders']}, sold-out answers {result['sold_out_answers']}; "
        f"hot stock: {stock['units_sold']} units sold, {stock['units_left']} left, "
        f"negative {stock['negative_stock']}, mismatched {len(stock['mismatched'])}: "
        + ("OVERSOLD" if stock["oversold"] else "nothing oversold")
    )
    for sample in result["error_samples"]:
        print(f"  error: {sample}")
    print(
        f"  targets (>= {TARGET_RPS:.0f} requests/s, p95 < {TARGET_P95_MS:.0f} ms, no errors, "
        f"nothing oversold): {'met' if met else 'NOT met'}"
    )
    print(f"  {pages.CAVEAT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--search", choices=("whoosh", "postgres"), help="search backend")
    parser.add_argument("--redis", action="store_true", help="page cache and jobs on Redis")
    parser.add_argument("--products", type=int, default=3000, help="catalogue size (3000)")
    parser.add_argument("--hot", type=int, default=10, help="products buyers fight over (10)")
    parser.add_argument("--hot-stock", type=int, default=15, help="units of each (15)")
    parser.add_argument("--buyers", type=int, default=1500, help="signed-in buyers (1500)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--clients", type=int, default=6, help="concurrent connections (6)")
    parser.add_argument("--requests", type=int, default=6000, help="at most this many (6000)")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long (60)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args)
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


if __name__ == "__main__":
    main()
