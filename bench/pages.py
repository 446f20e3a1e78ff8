"""How fast the storefront pages are, next to a bare Flask hello-world on the same machine.

    .venv/bin/python bench/pages.py [--products 10000] [--json]

Builds a throwaway catalog in a temporary folder (migrated SQLite database, uploads), serves
the app (`wsgi:app`) and bench/hello.py with gunicorn on free ports of 127.0.0.1, and loads
the home, a category and a product page with wrk (or, without it, a small http.client load generator). It prints
requests/s and p50/p95 latency per page and the ratio to hello-world's requests/s. It only
measures: the figures depend on the machine, so nothing here passes or fails.
"""

import argparse
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import quantiles

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
BIN = Path(sys.executable).parent  # the venv's gunicorn and flask sit next to its python
TARGET_RATIO = 0.40  # the target: pages at 40% of hello-world's requests/s ...
TARGET_P95_MS = 50.0  # ... with a p95 latency under 50 ms
CAVEAT = (
    "The load generator runs on the same machine and competes with the gunicorn workers "
    "for its cores, so the figures are lower bounds and hello-world is held back the most."
)

SHOPS = [  # slug, Vietnamese name, English name, province slug
    ("htx-ca-phe-ea-tu", "HTX Cà phê Ea Tu", "Ea Tu Coffee Cooperative", "dak-lak"),
    ("htx-nuoc-mam-phu-quoc", "HTX Nước mắm Phú Quốc", "Phu Quoc Fish Sauce Co-op", "an-giang"),
    ("htx-che-tan-cuong", "HTX Chè Tân Cương", "Tan Cuong Tea Cooperative", "thai-nguyen"),
    ("htx-gao-st25", "HTX Gạo ST25 Sóc Trăng", "ST25 Rice Cooperative", "can-tho"),
    ("htx-mat-ong-bac-ha", "HTX Mật ong Bắc Hà", "Bac Ha Honey Cooperative", "lao-cai"),
    ("htx-tho-cam-mai-chau", "HTX Thổ cẩm Mai Châu", "Mai Chau Brocade Cooperative", "phu-tho"),
    ("htx-vai-thieu-luc-ngan", "HTX Vải thiều Lục Ngạn", "Luc Ngan Lychee Co-op", "bac-ninh"),
    ("htx-tinh-dau-que", "HTX Tinh dầu Quế Trà My", "Tra My Cinnamon Oil Co-op", "da-nang"),
    ("htx-lua-van-phuc", "HTX Lụa Vạn Phúc", "Van Phuc Silk Cooperative", "ha-noi"),
    ("htx-ruou-san-lam", "HTX Rượu Sán Lùng", "San Lung Rice Wine Co-op", "lai-chau"),
]
PRODUCT_NAMES = [  # Vietnamese, English
    ("Cà phê Robusta rang mộc", "Roasted Robusta coffee"),
    ("Nước mắm cá cơm 40 độ đạm", "Anchovy fish sauce, 40° protein"),
    ("Trà xanh Tân Cương", "Tan Cuong green tea"),
    ("Gạo thơm ST25", "ST25 fragrant rice"),
    ("Mật ong hoa rừng", "Wild flower honey"),
    ("Khăn thổ cẩm dệt tay", "Hand-woven brocade scarf"),
    ("Vải thiều sấy khô", "Dried lychee"),
    ("Tinh dầu quế", "Cinnamon essential oil"),
    ("Khăn lụa tơ tằm", "Silk scarf"),
    ("Rượu ngô men lá", "Leaf-yeast corn wine"),
    ("Tiêu đen Chư Sê", "Chu Se black pepper"),
    ("Hạt điều rang muối", "Salted roasted cashews"),
]
DESCRIPTION_VI = (
    "Sản phẩm của hợp tác xã, làm theo cách truyền thống từ nguyên liệu trồng tại địa phương. "
    "Đóng gói cẩn thận, giao hàng toàn quốc. Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng."
)
DESCRIPTION_EN = (
    "Made by the cooperative the traditional way from locally grown ingredients. Carefully "
    "packed and shipped nationwide. Keep in a cool, dry place away from direct sunlight."
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the catalog --------------------------------------------------------------------------


def bench_environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "FLASK_ENV")}
    env.update(
        APP_ENV="production",  # what gunicorn serves: no debug, fixed secret
        SECRET_KEY="bench-only-secret",
        FLASK_APP="wsgi.py",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite'}",
        INSTANCE_DIR=str(workdir / "instance"),
        UPLOAD_DIR=str(workdir / "uploads"),
        SEARCH_INDEX_DIR=str(workdir / "search"),
        MAIL_OUTBOX_DIR=str(workdir / "outbox"),
        PYTHONUNBUFFERED="1",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")


def sample_image(n: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 480), ((n * 53) % 256, (n * 97) % 256, (n * 31) % 256))
    ImageDraw.Draw(image).ellipse((60, 60, 420, 420), fill=(250, 240, 220))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def fill_catalog(env: dict[str, str], products: int, with_images: int) -> dict[str, str]:
    """Bulk-insert shops and approved products; returns the slugs the benchmark loads.

    Core inserts skip ORM events, which is fine for page loads (search is not benchmarked).
    """
    os.environ.update(env)  # config.py reads the environment when it is first imported
    sys.path.insert(0, str(REPO))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.media import store_image
    from app.models import Category, Product, ProductImage, ProductStatus, Province, Shop

    app = create_app()
    with app.app_context():
        provinces = dict(db.session.execute(sa.select(Province.slug, Province.id)).all())
        leaves = list(
            db.session.scalars(
                sa.select(Category).where(Category.parent_id.is_not(None)).order_by(Category.id)
            )
        )
        top_slug = db.session.scalar(
            sa.select(Category.slug).where(Category.parent_id.is_(None)).order_by(Category.position)
        )
        now = datetime.now(UTC)
        db.session.execute(
            sa.insert(Shop),
            [
                {
                    "id": n + 1,
                    "slug": slug,
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "description_vi": DESCRIPTION_VI,
                    "description_en": DESCRIPTION_EN,
                    "province_id": provinces[province],
                    "status": "active",
                    "is_featured": n < 6,
                    "created_at": now - timedelta(days=400 - n),
                }
                for n, (slug, name_vi, name_en, province) in enumerate(SHOPS)
            ],
        )
        rows = []
        for n in range(products):
            name_vi, name_en = PRODUCT_NAMES[n % len(PRODUCT_NAMES)]
            created = now - timedelta(minutes=(products - n) * 50)  # newest last, about a year
            rows.append(
                {
                    "id": n + 1,
                    "shop_id": n % len(SHOPS) + 1,
                    "sku": f"SP-{n:05d}",
                    "slug": f"san-pham-{n + 1}",
                    "name_vi": f"{name_vi} loại {n + 1}",
                    "name_en": f"{name_en}, grade {n + 1}",
                    "description_vi": DESCRIPTION_VI,
                    "description_en": DESCRIPTION_EN,
                    "category_id": leaves[n % len(leaves)].id,
                    "price_vnd": 20_000 + (n * 7919) % 980_000 // 1000 * 1000,
                    "stock": n % 50,
                    "unit": "gói 500 g",
                    "weight_g": 500,
                    "status": ProductStatus.APPROVED,
                    "is_hidden": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        db.session.execute(sa.insert(Product), rows)

        # The newest products (home, first category pages) and a spread of older ones get an
        # image; a few distinct files shared between them keep the set-up fast.
        newest = with_images // 2
        older = products - newest
        step = max(older // (with_images - newest), 1) if with_images > newest else 1
        pictured = [*range(0, older, step)][: with_images - newest] + [*range(older, products)]
        stored = [store_image(sample_image(n)) for n in range(min(25, len(pictured)))]
        db.session.execute(
            sa.insert(ProductImage),
            [
                {
                    "product_id": n + 1,
                    "key": stored[k % len(stored)].key,
                    "position": 0,
                    "width": 480,
                    "height": 480,
                }
                for k, n in enumerate(pictured)
            ],
        )
        db.session.commit()
        product_slug = f"san-pham-{pictured[-1] + 1 if pictured else products}"
        db.engine.dispose()
    return {"category": top_slug, "product": product_slug, "images": str(len(pictured))}


# --- servers ------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(name: str, app_spec: str, chdir: Path, env, workdir: Path, args) -> Server:
    port = free_port()
    log_path = workdir / f"{name}.log"
    command = [
        str(BIN / "gunicorn"),
        # Bare gunicorn, not the production gunicorn.conf.py it would read from the working
        # folder (its access log and worker recycling are not what this compares).
        "--config",
        os.devnull,
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        app_spec,
    ]
    if args.worker_class == "gthread":
        command[1:1] = ["--threads", str(args.gthreads)]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=chdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends master and workers
        )
    return Server(name, port, process, log_path)


def wait_ready(server: Server, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            raise RuntimeError(f"{server.name} answered {status} for {path}")
        except OSError:
            time.sleep(0.1)  # not listening yet
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"{server.name} did not start on port {server.port}:\n{tail}")


def stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=5)
    except ProcessLookupError:
        pass


def server_cpu_seconds(server: Server) -> float | None:
    """CPU time used so far by the gunicorn master and its workers (Linux /proc), or None.

    Unlike requests/s this does not depend on what else runs on the machine.
    """
    master = server.process.pid
    total = 0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if stat.parent.name == str(master) or int(fields[1]) == master:
                total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK") if total else None


# --- load ---------------------------------------------------------------------------------


@dataclass
class Result:
    target: str
    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    cpu_ms: float | None = None  # server CPU time per request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load(port: int, path: str, threads: int, per_thread: int, duration: float) -> Result:
    """`threads` persistent connections, each sending GETs until done or out of time."""
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(per_thread):
                if time.monotonic() >= deadline:
                    break
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept-Language": "vi"})
                    response = conn.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()  # reconnects on the next request
                    ok = False
                if ok:
                    latencies[k].append(time.perf_counter() - started)
                else:
                    errors[k] += 1
        finally:
            conn.close()

    workers = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=duration + 15)
    seconds = time.perf_counter() - started
    times = sorted(t for per_client in latencies for t in per_client)
    if len(times) >= 2:
        cuts = quantiles(times, n=100, method="inclusive")
        p50, p95 = cuts[49] * 1000, cuts[94] * 1000
    else:
        p50 = p95 = float("nan")
    return Result("", path, len(times), sum(errors), seconds, p50, p95)


WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %f %f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def session_cookie(port: int, path: str) -> str:
    """The cookie a browser gets on its first page and sends with every later one."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.getheader("Set-Cookie", "").split(";", 1)[0]
    finally:
        conn.close()


def load_wrk(
    port: int, path: str, connections: int, duration: float, workdir: Path, cookie: str = ""
) -> Result:
    """The same load from wrk (C, one thread): far less CPU taken from the servers' cores."""
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    headers = ["-H", "Accept-Language: vi"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, int(duration))}s",
            "-s",
            str(script),
            *headers,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, errors, micros, p50, p95 = line.split()[1:]
    ok = int(requests) - int(errors)
    return Result("", path, ok, int(errors), int(micros) / 1e6, float(p50), float(p95))


# --- report -------------------------------------------------------------------------------


def report(results: list[Result], meta: dict, as_json: bool) -> None:
    hello_rps = results[0].rps
    rows = []
    for r in results:
        ratio = r.rps / hello_rps if hello_rps else float("nan")
        is_page = r is not results[0]
        rows.append(
            {
                "target": r.target,
                "path": r.path,
                "requests": r.requests,
                "errors": r.errors,
                "requests_per_s": round(r.rps, 1),
                "p50_ms": round(r.p50_ms, 2),
                "p95_ms": round(r.p95_ms, 2),
                "server_cpu_ms_per_request": None if r.cpu_ms is None else round(r.cpu_ms, 2),
                "ratio_to_hello": round(ratio, 3),
                "meets_target": (ratio >= TARGET_RATIO and r.p95_ms < TARGET_P95_MS)
                if is_page
                else None,
            }
        )
    if as_json:
        target = {"min_ratio_to_hello": TARGET_RATIO, "max_p95_ms": TARGET_P95_MS}
        print(json.dumps({**meta, "target": target, "results": rows, "caveat": CAVEAT}))
        return
    print(
        f"{meta['products']} products ({meta['products_with_image']} with an image), "
        f"gunicorn {meta['workers']} {meta['worker_class']} workers, "
        f"{meta['client_threads']} client threads, at most {meta['seconds_per_target']} s "
        f"per target, {meta['cpu_count']} cores, load average {meta['load_average_before']} "
        "before the run"
    )
    header = (
        f"{'target':<16} {'path':<26} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'vs hello':>8} {'cpu ms':>7} {'errors':>6}  target"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        met = {True: "met", False: "missed", None: ""}[row["meets_target"]]
        cpu = row["server_cpu_ms_per_request"]
        print(
            f"{row['target']:<16} {row['path']:<26} {row['requests_per_s']:>7.1f} "
            f"{row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['ratio_to_hello']:>8.0%} "
            f"{'?' if cpu is None else f'{cpu:.2f}':>7} {row['errors']:>6}  {met}"
        )
    print(
        f"Target: pages at >= {TARGET_RATIO:.0%} of hello-world's requests/s and p95 < "
        f"{TARGET_P95_MS:.0f} ms. cpu ms: server CPU time per request (master + workers).\n"
        f"{CAVEAT}"
    )


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000, help="catalog size (10000)")
    parser.add_argument("--images", type=int, default=200, help="products with an image (200)")
    parser.add_argument("--threads", type=int, default=8, help="client connections (8)")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator: wrk when installed (apt-get install wrk), else http.client threads",
    )
    parser.add_argument("--requests", type=int, default=500, help="requests per client (500)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per target (10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--gthreads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.products < 1:
        parser.error("--products must be at least 1")
    return args


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # a killed run still stops its servers
    workdir = Path(tempfile.mkdtemp(prefix="chohtx-bench-"))
    servers: list[Server] = []
    try:
        env = bench_environment(workdir)
        log(f"Migrating a fresh database in {workdir} ...")
        migrate(env)
        log(f"Filling {args.products} products ...")
        started = time.monotonic()
        catalog = fill_catalog(env, args.products, min(args.images, args.products))
        log(f"  done in {time.monotonic() - started:.1f} s")

        hello = start_gunicorn("hello", "hello:app", BENCH, env, workdir, args)
        servers.append(hello)
        shop = start_gunicorn("storefront", "wsgi:app", REPO, env, workdir, args)
        servers.append(shop)
        pages = [
            ("home", "/vi/"),
            ("category", f"/vi/c/{catalog['category']}"),
            ("product", f"/vi/p/{catalog['product']}"),
        ]
        wait_ready(hello, "/")
        wait_ready(shop, "/vi/")
        # First visits carry no cookie, so each one also gets a new session and CSRF token;
        # a browser sends its session cookie back from the second page on.
        cookie = session_cookie(shop.port, "/vi/") if args.client == "wrk" else ""
        targets = [("hello", hello, "/", "")]
        targets += [(name, shop, path, "") for name, path in pages]
        if cookie:
            targets += [(f"{name}+cookie", shop, path, cookie) for name, path in pages]

        load_before = os.getloadavg()[0]  # other work on the machine skews every figure
        results = []
        for name, server, path, visitor_cookie in targets:
            log(f"Loading {name} {path} ...")
            load(server.port, path, threads=args.workers * 2, per_thread=25, duration=5)
            cpu_before = server_cpu_seconds(server)
            if args.client == "wrk":
                result = load_wrk(
                    server.port, path, args.threads, args.seconds, workdir, visitor_cookie
                )
            else:
                result = load(server.port, path, args.threads, args.requests, args.seconds)
            cpu_after = server_cpu_seconds(server)
            result.target = name
            if cpu_before is not None and cpu_after is not None and result.requests:
                result.cpu_ms = (cpu_after - cpu_before) * 1000 / (result.requests + result.errors)
            results.append(result)
        meta = {
            "products": args.products,
            "products_with_image": int(catalog["images"]),
            "workers": args.workers,
            "worker_class": args.worker_class,
            "client": args.client,
            "client_threads": args.threads,
            "seconds_per_target": args.seconds,
            "cpu_count": os.cpu_count(),
            "load_average_before": round(load_before, 2),
        }
        report(results, meta, args.json)
        return 0
    except KeyboardInterrupt:
        log("Interrupted.")
        return 130
    finally:
        for server in reversed(servers):
            stop(server)
        if args.keep:
            log(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
