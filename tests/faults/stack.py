"""The real thing, small: a migrated database with a catalogue and buyers, gunicorn with
several sync workers in production mode (CSRF on), and a load loop on 127.0.0.1 that
browses, searches, signs in and buys while a test (or bench/faults.py) breaks a part.

    stack = Stack(tmp_path, database_url, redis_url=None).prepare()
    with stack.serving(workers=3):
        with Load(stack, clients=4) as load:
            ... break something, load.wait_for(...) ...
        load.tally  # every answer: kind, status, Retry-After, time

Used by tests/faults/test_*_stack.py and bench/faults.py.
"""

import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus, urlencode

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "faults-only-secret"
PASSWORD = "password123"
HOT_STOCK = 40
DELIVERY = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912345678",
    "address": "12 Lê Lợi",
    "commune": "Phường Buôn Ma Thuột",
    "province": "dak-lak",
    "payment_method": "cod",
}
SEARCHES = ["ca phe", "mật ong", "nuoc mam", "tra", "honey"]
# Answers that are the shop working as it should: sold out (409), too many sign-ins (429).
FINE = {200, 302, 409, 429}


def wait_until(predicate, what: str, seconds: float = 60.0, every: float = 0.05):
    """Poll `predicate` until it returns something true (a deadline, not a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


@dataclass
class Answer:
    kind: str
    status: int  # 0: no HTTP answer (connection reset or refused)
    retry_after: str | None
    at: float  # time.monotonic()


@dataclass
class Tally:
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int, retry_after: str | None) -> None:
        with self.lock:
            self.answers.append(Answer(kind, status, retry_after, time.monotonic()))

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [a for a in self.answers if a.at >= moment]

    def summary(self) -> dict:
        with self.lock:
            answers = list(self.answers)
        return {
            "sent": len(answers),
            "answered": sum(1 for a in answers if a.status),
            "5xx": sum(1 for a in answers if a.status >= 500),
            "500": sum(1 for a in answers if a.status >= 500 and a.status != 503),
            "503 without Retry-After": sum(
                1 for a in answers if a.status == 503 and not a.retry_after
            ),
            "unexpected": sorted(
                {(a.kind, a.status) for a in answers if a.status and a.status not in FINE | {503}}
            ),
        }


class Client:
    """One keep-alive connection; cookies by hand (production cookies are Secure)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, cookie: str = "", form: dict | None = None):
        headers = {"Accept-Language": "vi"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, None, cookie, ""
        new_cookie = response.getheader("Set-Cookie") or ""
        if new_cookie.startswith("session="):
            cookie = new_cookie.split(";", 1)[0]
        return response.status, response.getheader("Retry-After"), cookie, text


class Stack:
    """A database ready for the load, and gunicorn serving it."""

    def __init__(self, workdir: Path, database_url: str, redis_url: str | None = None):
        self.workdir = workdir
        self.database_url = database_url
        self.redis_url = redis_url
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"
        self.hot: list[int] = []
        self.products: list[str] = []
        self.buyers: list[tuple[str, str]] = []  # (session cookie, CSRF token)
        self.initial_stock: dict[int, int] = {}

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "FLASK_ENV")}
        env.update(
            APP_ENV="production",
            SECRET_KEY=SECRET,
            FLASK_APP="wsgi.py",
            DATABASE_URL=self.database_url,
            SEARCH_BACKEND="whoosh",
            INSTANCE_DIR=str(self.workdir / "instance"),
            UPLOAD_DIR=str(self.workdir / "uploads"),
            SEARCH_INDEX_DIR=str(self.workdir / "search"),
            MAIL_OUTBOX_DIR=str(self.workdir / "outbox"),
            PAYOUT_BATCH_DIR=str(self.workdir / "payouts"),
            GUNICORN_ACCESS_LOG="",
            GUNICORN_LOG_LEVEL="warning",
            GUNICORN_TIMEOUT="30",
            PYTHONUNBUFFERED="1",
        )
        env.pop("REDIS_URL", None)
        env.pop("RATELIMIT_STORAGE_URI", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return env

    def app(self):
        """This stack's app, in this process (for preparing and checking the database)."""
        from app import create_app

        env = self.env()
        return create_app(
            {
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "SECRET_KEY": SECRET,
                "SEARCH_INDEX_DIR": env["SEARCH_INDEX_DIR"],
                "UPLOAD_DIR": env["UPLOAD_DIR"],
                "MAIL_OUTBOX_DIR": env["MAIL_OUTBOX_DIR"],
                "PAYOUT_BATCH_DIR": env["PAYOUT_BATCH_DIR"],
                "REDIS_URL": None,
                "RATELIMIT_STORAGE_URI": "memory://",
                "PAGE_CACHE_VERSION_FILE": str(self.workdir / "instance" / "catalog-version"),
            }
        )

    def prepare(self, shops: int = 3, products: int = 30, hot: int = 4, buyers: int = 400):
        """Migrate, then shops, products (a few `hot` ones with little stock), buyers."""
        import sqlalchemy as sa
        from flask_migrate import upgrade
        from itsdangerous import URLSafeTimedSerializer
        from werkzeug.security import generate_password_hash

        from app.extensions import db
        from app.models import Product, User
        from tests.factories import ProductFactory, ShopFactory

        app = self.app()
        with app.app_context():
            upgrade()
            made = []
            for s in range(shops):
                shop = ShopFactory(slug=f"htx-{s}", name_vi=f"HTX số {s}")
                for p in range(products // shops):
                    made.append(
                        ProductFactory(
                            shop=shop,
                            name_vi=f"Cà phê Robusta {s}-{p}",
                            name_en=f"Robusta coffee {s}-{p}",
                            price_vnd=50_000 + 1000 * p,
                            stock=1000,
                        )
                    )
            self.hot = [product.id for product in made[:hot]]
            db.session.execute(
                sa.update(Product).where(Product.id.in_(self.hot)).values(stock=HOT_STOCK)
            )
            digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
            db.session.execute(
                sa.insert(User),
                [
                    {"email": f"buyer{n}@example.com", "name": "Khách", "password_hash": digest}
                    for n in range(buyers)
                ],
            )
            db.session.commit()
            self.products = list(db.session.scalars(sa.select(Product.slug)))
            self.initial_stock = dict(
                db.session.execute(sa.select(Product.id, Product.stock)).all()
            )
            users = db.session.scalars(
                sa.select(User.id).where(User.email.like("buyer%")).order_by(User.id)
            ).all()
            cookies = app.session_interface.get_signing_serializer(app)
            forms = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
            for user_id in users:  # what a sign-in leaves in the session
                raw = secrets.token_hex(20)
                cookie = cookies.dumps(
                    {"_user_id": str(user_id), "_fresh": True, "csrf_token": raw}
                )
                self.buyers.append((f"session={cookie}", forms.dumps(raw)))
            db.session.remove()
            db.engine.dispose()
        return self

    # --- gunicorn ---------------------------------------------------------------------

    def start(self, workers: int = 3) -> None:
        from tests.servers import free_port

        self.port = free_port()
        env = {**self.env(), "WEB_CONCURRENCY": str(workers), "PORT": str(self.port)}
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"), "wsgi:app"],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(workers)

    def wait_ready(self, workers: int) -> None:
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()[-3000:]}")
            status = Client(self.port).send("GET", "/healthz")[0]
            return status in (200, 503) and len(self.worker_pids()) >= workers

        wait_until(ready, "gunicorn ready", seconds=120, every=0.1)

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            return []

    def kill_workers(self) -> list[int]:
        """SIGKILL every worker (gunicorn's master starts new ones)."""
        killed = self.worker_pids()
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return killed

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tracebacks(self) -> list[str]:
        """The server log's tracebacks, each as its last lines (what a 500 leaves)."""
        found = []
        for chunk in self.log().split("Traceback (most recent call last):")[1:]:
            lines = [line for line in chunk.splitlines() if line.strip()]
            found.append("\n".join(lines[-12:]))
        return found

    def health(self) -> tuple[int, dict | None]:
        import json

        status, _, _, body = Client(self.port).send("GET", "/healthz")
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    def invariants(self) -> dict[str, bool]:
        from tests.faults.invariants import check

        return check(self.database_url, self.initial_stock)


class Load:
    """Client threads sending a mix of requests until stopped or `limit` are sent."""

    def __init__(self, stack: Stack, clients: int = 4, limit: int = 100_000, seed: int = 1):
        self.stack = stack
        self.clients = clients
        self.limit = limit
        self.seed = seed
        self.tally = Tally()
        self.orders = 0
        self._stop = threading.Event()
        self._buyers = iter(stack.buyers)
        self._budget = iter(range(limit))
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "Load":
        for k in range(self.clients):
            thread = threading.Thread(target=self._client, args=(k,), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def sent(self) -> int:
        return len(self.tally.answers)

    def wait_for(self, more: int, seconds: float = 60.0) -> None:
        """Until `more` further answers have come (the load carried on through a fault)."""
        target = self.sent() + more
        wait_until(lambda: self.sent() >= target or self._stop.is_set(), "load", seconds)

    def _take(self) -> bool:
        if self._stop.is_set():
            return False
        try:
            next(self._budget)
        except StopIteration:
            return False
        return True

    def _client(self, k: int) -> None:
        rng = random.Random(self.seed * 1000 + k)
        conn = Client(self.stack.port)
        stack = self.stack
        while self._take():
            roll = rng.random()
            if roll < 0.45:
                path = rng.choice(["/vi/", "/en/", f"/vi/p/{rng.choice(stack.products)}"])
                status, retry, _, _ = conn.send("GET", path)
                self.tally.add("browse", status, retry)
            elif roll < 0.65:
                words = quote_plus(rng.choice(SEARCHES))
                path = rng.choice([f"/vi/search?q={words}", f"/api/v1/products?q={words}"])
                status, retry, _, _ = conn.send("GET", path)
                self.tally.add("search", status, retry)
            elif roll < 0.75:
                self._sign_in(conn, rng)
            else:
                self._buy(conn, rng)

    def _sign_in(self, conn: Client, rng: random.Random) -> None:
        status, retry, cookie, page = conn.send("GET", "/vi/login")
        self.tally.add("sign-in page", status, retry)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        if status != 200 or token is None:
            return
        form = {
            "email": f"buyer{rng.randrange(len(self.stack.buyers))}@example.com",
            "password": PASSWORD,
            "csrf_token": token.group(1),
        }
        status, retry, _, _ = conn.send("POST", "/vi/login", cookie, form)
        self.tally.add("sign-in", status, retry)

    def _buy(self, conn: Client, rng: random.Random) -> None:
        with self._lock:
            buyer = next(self._buyers, None)
        if buyer is None:
            return
        cookie, token = buyer
        product = rng.choice(self.stack.hot)
        form = {"product_id": product, "qty": 1, "csrf_token": token}
        status, retry, cookie, _ = conn.send("POST", "/vi/cart/add", cookie, form)
        self.tally.add("add to cart", status, retry)
        if status != 302:
            return
        status, retry, cookie, _ = conn.send(
            "POST", "/vi/checkout", cookie, {**DELIVERY, "csrf_token": token}
        )
        self.tally.add("checkout", status, retry)
        if status == 302:
            with self._lock:
                self.orders += 1
