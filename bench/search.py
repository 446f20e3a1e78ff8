"""Search speed: each search backend next to SQLite FTS5 on the same catalogue and queries.

    .venv/bin/python bench/search.py [--products 100000] [--queries 200]
                                     [--backend whoosh|postgres|both] [--keep] [--json]

Generates N realistic bilingual products (cooperative shops in the 34 provinces, product
names and descriptions in Vietnamese and English, OCOP certificates) with bulk inserts into a
throwaway migrated SQLite database (`--keep` keeps it in the temporary folder, named after N,
and the next `--keep` run reuses it), then:

- builds the same text into an FTS5 table (`unicode61 remove_diacritics 2`) and runs the
  queries on it: `MATCH ... ORDER BY rank LIMIT 20` plus `count(*)`;
- for each backend asked for (`postgres`: the same catalogue in a throwaway cluster, as
  `make test-postgres` starts one), in a process of its own so that its peak memory is its
  own: builds the index with `flask search reindex`'s code path; times a fresh worker's
  first query; after a warm-up with other queries of the same kinds, runs the mixed queries
  (accent-less, accented, English, upper case, misspelled, place and shop names, short and
  long-tail) as the API asks them (ranked page of 20 and exact total) and as the search page
  does (with facet counts), and suggestions for their prefixes; then saves products through
  the ORM and times until a search finds them.

It measures only: nothing passes or fails here. With --json it prints one JSON object (Whoosh
keys `whoosh_*`, `suggest_*`, `peak_rss_mb`; the PostgreSQL backend's `postgres_*`).
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median, quantiles

REPO = Path(__file__).resolve().parent.parent

PLACES = [  # Vietnamese, English: places products are named after
    ("Phú Quốc", "Phu Quoc"),
    ("Phan Thiết", "Phan Thiet"),
    ("Cát Hải", "Cat Hai"),
    ("Buôn Ma Thuột", "Buon Ma Thuot"),
    ("Cầu Đất", "Cau Dat"),
    ("Sơn La", "Son La"),
    ("Tân Cương", "Tan Cuong"),
    ("Hà Giang", "Ha Giang"),
    ("Mộc Châu", "Moc Chau"),
    ("Sóc Trăng", "Soc Trang"),
    ("Điện Biên", "Dien Bien"),
    ("Đồng Tháp", "Dong Thap"),
    ("Sa Pa", "Sa Pa"),
    ("Mai Châu", "Mai Chau"),
    ("Bát Tràng", "Bat Trang"),
    ("Vạn Phúc", "Van Phuc"),
    ("Hạ Long", "Ha Long"),
    ("Huế", "Hue"),
    ("Bến Tre", "Ben Tre"),
    ("Lục Ngạn", "Luc Ngan"),
    ("Hưng Yên", "Hung Yen"),
    ("Đà Lạt", "Da Lat"),
    ("Trà My", "Tra My"),
    ("Chư Sê", "Chu Se"),
    ("Cái Bè", "Cai Be"),
    ("Đắk Lắk", "Dak Lak"),
]
# Vietnamese, English, category slug, qualifiers (Vietnamese, English)
PRODUCT_TYPES = [
    (
        "Nước mắm",
        "fish sauce",
        "nuoc-mam-gia-vi",
        [
            ("40 độ đạm", "40°N"),
            ("cá cơm", "anchovy"),
            ("nhĩ", "first-press"),
            ("truyền thống", "traditional"),
        ],
    ),
    (
        "Mắm tôm",
        "shrimp paste",
        "nuoc-mam-gia-vi",
        [("đặc biệt", "special"), ("loại ngon", "fine")],
    ),
    (
        "Mắm nêm",
        "anchovy dipping sauce",
        "nuoc-mam-gia-vi",
        [("pha sẵn", "ready-mixed"), ("nguyên chất", "pure")],
    ),
    ("Muối tôm", "shrimp salt", "nuoc-mam-gia-vi", [("cay", "spicy"), ("hạt to", "coarse")]),
    ("Tiêu đen", "black pepper", "nuoc-mam-gia-vi", [("hạt", "whole"), ("xay", "ground")]),
    (
        "Cà phê Robusta",
        "Robusta coffee",
        "ca-phe",
        [("rang mộc", "plain roasted"), ("rang xay", "ground"), ("nguyên hạt", "whole bean")],
    ),
    (
        "Cà phê Arabica",
        "Arabica coffee",
        "ca-phe",
        [("rang vừa", "medium roast"), ("nguyên hạt", "whole bean")],
    ),
    (
        "Cà phê Culi",
        "Peaberry coffee",
        "ca-phe",
        [("rang đậm", "dark roast"), ("pha phin", "for phin filter")],
    ),
    (
        "Cà phê sữa hòa tan",
        "instant milk coffee",
        "ca-phe",
        [("ba trong một", "three-in-one"), ("ít đường", "less sugar")],
    ),
    ("Trà xanh", "green tea", "tra", [("búp non", "young bud"), ("sao tay", "hand-roasted")]),
    (
        "Trà Shan tuyết",
        "Shan Tuyet tea",
        "tra",
        [("cổ thụ", "ancient tree"), ("búp bạc", "silver bud")],
    ),
    ("Trà sen", "lotus tea", "tra", [("ướp hoa", "flower-scented"), ("thượng hạng", "premium")]),
    ("Trà hoa cúc", "chrysanthemum tea", "tra", [("sấy khô", "dried"), ("túi lọc", "tea bags")]),
    (
        "Mật ong hoa cà phê",
        "coffee blossom honey",
        "mat-ong",
        [("nguyên chất", "pure"), ("chai 500ml", "500 ml bottle")],
    ),
    (
        "Mật ong rừng",
        "wild honey",
        "mat-ong",
        [("nguyên chất", "pure"), ("ong khoái", "giant bee")],
    ),
    (
        "Mật ong bạc hà",
        "mint flower honey",
        "mat-ong",
        [("cao nguyên đá", "karst plateau"), ("hũ thủy tinh", "glass jar")],
    ),
    (
        "Gạo ST25",
        "ST25 fragrant rice",
        "gao-ngu-coc",
        [("túi 5 kg", "5 kg bag"), ("hữu cơ", "organic")],
    ),
    (
        "Gạo nếp cái hoa vàng",
        "yellow flower glutinous rice",
        "gao-ngu-coc",
        [("mới", "new crop"), ("túi 2 kg", "2 kg bag")],
    ),
    (
        "Gạo lứt đỏ",
        "red brown rice",
        "gao-ngu-coc",
        [("hữu cơ", "organic"), ("túi 1 kg", "1 kg bag")],
    ),
    (
        "Khăn thổ cẩm",
        "brocade scarf",
        "tho-cam",
        [("dệt tay", "hand-woven"), ("nhuộm chàm", "indigo-dyed")],
    ),
    (
        "Túi thổ cẩm",
        "brocade bag",
        "tho-cam",
        [("thêu tay", "hand-embroidered"), ("đeo vai", "shoulder")],
    ),
    (
        "Khăn lụa tơ tằm",
        "silk scarf",
        "lua-to-tam",
        [("vẽ tay", "hand-painted"), ("dệt tay", "hand-woven")],
    ),
    (
        "Mâm gỗ sơn mài",
        "lacquered wooden tray",
        "son-mai-go",
        [("tròn", "round"), ("vẽ tay", "hand-painted")],
    ),
    (
        "Bình gốm",
        "ceramic vase",
        "gom-su",
        [("men rạn", "crackle glaze"), ("men lam", "blue glaze")],
    ),
    ("Nón lá", "conical hat", "may-tre-dan", [("bài thơ", "poem"), ("chuốt tay", "hand-made")]),
    ("Giỏ mây", "rattan basket", "may-tre-dan", [("đan tay", "hand-woven"), ("có nắp", "lidded")]),
    ("Xoài cát", "mango", "trai-cay", [("chín cây", "tree-ripened"), ("loại một", "grade one")]),
    (
        "Bưởi da xanh",
        "green-skin pomelo",
        "trai-cay",
        [("ruột hồng", "pink-fleshed"), ("loại một", "grade one")],
    ),
    ("Vải thiều", "lychee", "trai-cay", [("sấy khô", "dried"), ("tươi", "fresh")]),
    (
        "Hạt điều",
        "cashew nuts",
        "banh-keo-dac-san",
        [("rang muối", "salted roasted"), ("vỏ lụa", "skin-on")],
    ),
    ("Kẹo dừa", "coconut candy", "banh-keo-dac-san", [("sáp", "soft"), ("lá dứa", "pandan")]),
    (
        "Bánh pía",
        "pia cake",
        "banh-keo-dac-san",
        [("sầu riêng", "durian"), ("đậu xanh", "mung bean")],
    ),
    (
        "Chả mực",
        "squid cakes",
        "thit-hai-san",
        [("giã tay", "hand-pounded"), ("đông lạnh", "frozen")],
    ),
    (
        "Rượu cần",
        "jar rice wine",
        "ruou-dac-san",
        [("men lá", "leaf yeast"), ("bình 5 lít", "5 litre jar")],
    ),
    (
        "Tinh dầu sả chanh",
        "lemongrass essential oil",
        "tinh-dau",
        [("nguyên chất", "pure"), ("chai 50ml", "50 ml bottle")],
    ),
    (
        "Tinh dầu quế",
        "cinnamon essential oil",
        "tinh-dau",
        [("chưng cất", "distilled"), ("nguyên chất", "pure")],
    ),
    (
        "Sâm Ngọc Linh",
        "Ngoc Linh ginseng",
        "duoc-lieu",
        [("củ tươi", "fresh root"), ("ngâm mật ong", "in honey")],
    ),
    (
        "Xà phòng thảo mộc",
        "herbal soap",
        "my-pham-thien-nhien",
        [("thủ công", "hand-made"), ("nghệ", "turmeric")],
    ),
    (
        "Phân bón hữu cơ",
        "organic fertiliser",
        "phan-bon-huu-co",
        [("vi sinh", "microbial"), ("bao 25 kg", "25 kg sack")],
    ),
    (
        "Homestay nhà sàn",
        "stilt house homestay",
        "homestay",
        [("hai đêm", "two nights"), ("trọn gói", "all inclusive")],
    ),
]
SENTENCES_VI = [
    "Sản phẩm của hợp tác xã {shop}, làm theo cách truyền thống tại {place}.",
    "Nguyên liệu tự nhiên, không chất bảo quản, không phẩm màu.",
    "Đóng gói cẩn thận, giao hàng toàn quốc trong ba đến năm ngày.",
    "Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp.",
    "Được chứng nhận OCOP, đạt tiêu chuẩn an toàn thực phẩm.",
    "Thích hợp làm quà biếu dịp Tết và lễ hội.",
    "Bà con xã viên chăm sóc và thu hoạch bằng tay.",
    "Hương vị đặc trưng của vùng {place}, đậm đà khó quên.",
    "Mỗi lô hàng đều có mã truy xuất nguồn gốc.",
]
SENTENCES_EN = [
    "Made by {shop} the traditional way in {place}.",
    "Natural ingredients, no preservatives, no colouring.",
    "Carefully packed and shipped nationwide in three to five days.",
    "Keep in a cool, dry place away from direct sunlight.",
    "OCOP certified and food-safety approved.",
    "A fine gift for Tết and festivals.",
    "Tended and harvested by hand by the cooperative's members.",
    "The signature taste of {place}.",
    "Every batch carries a traceability code.",
]
SHOP_WORDS = [("Hợp tác xã", "Cooperative"), ("HTX", "Co-op")]
SHOP_TRADES = [
    ("Nông nghiệp", "Agriculture"),
    ("Chè", "Tea"),
    ("Cà phê", "Coffee"),
    ("Ong mật", "Honey"),
    ("Thủ công", "Handicrafts"),
    ("Thổ cẩm", "Brocade"),
    ("Hải sản", "Seafood"),
    ("Lúa gạo", "Rice"),
    ("Trái cây", "Fruit"),
    ("Dược liệu", "Herbs"),
    ("Dịch vụ", "Services"),
]
# Misspellings buyers make: a letter dropped, two swapped, a vowel wrong.
TYPOS = [
    "nuoc mma",
    "ca phe robsuta",
    "mat ogn",
    "tra shan tyet",
    "gao st52",
    "tho cma",
    "fihs sauce",
    "coffe",
    "hony",
    "brocde scarf",
    "lacqured tray",
    "peper",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def catalogue_rows(products: int, provinces: dict, categories: dict, seed: int = 4):
    """Shops, products and certificates as plain rows for bulk inserts."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    shop_count = max(20, products // 50)
    province_slugs = sorted(provinces)
    shops = []
    for n in range(shop_count):
        word_vi, word_en = SHOP_WORDS[n % 2]
        trade_vi, trade_en = rng.choice(SHOP_TRADES)
        place_vi, place_en = rng.choice(PLACES)
        shops.append(
            {
                "id": n + 1,
                "slug": f"htx-{n + 1}",
                "name_vi": f"{word_vi} {trade_vi} {place_vi} {n + 1}",
                "name_en": f"{place_en} {trade_en} {word_en} {n + 1}",
                "province_id": provinces[rng.choice(province_slugs)],
                "status": "active",
                "created_at": now - timedelta(days=800),
            }
        )
    rows, certificates = [], []
    for n in range(products):
        kind_vi, kind_en, category, qualifiers = rng.choice(PRODUCT_TYPES)
        qual_vi, qual_en = rng.choice(qualifiers)
        place_vi, place_en = rng.choice(PLACES)
        shop = shops[rng.randrange(shop_count)]
        fill = {"shop": shop["name_vi"], "place": place_vi}
        fill_en = {"shop": shop["name_en"], "place": place_en}
        picked = rng.sample(range(len(SENTENCES_VI)), 3)
        created = now - timedelta(minutes=(products - n) * 5)
        rows.append(
            {
                "id": n + 1,
                "shop_id": shop["id"],
                "sku": f"SP-{n:06d}",
                "slug": f"sp-{n + 1}",
                "name_vi": f"{kind_vi} {qual_vi} {place_vi}",
                "name_en": f"{place_en} {qual_en} {kind_en}",
                "description_vi": " ".join(SENTENCES_VI[i].format(**fill) for i in picked),
                "description_en": " ".join(SENTENCES_EN[i].format(**fill_en) for i in picked),
                "category_id": categories[category],
                "price_vnd": rng.randrange(20, 2000) * 1000,
                "stock": rng.randrange(0, 100),
                "unit": "",
                "status": "approved",
                "is_hidden": False,
                "created_at": created,
                "updated_at": created,
            }
        )
        if rng.random() < 0.15:
            certificates.append(
                {
                    "product_id": n + 1,
                    "certificate_no": f"OCOP-{n + 1}",
                    "stars": rng.choice((3, 3, 4, 4, 5)),
                    "issuer": "UBND tỉnh",
                    "issued_on": today - timedelta(days=300),
                    "expires_on": today + timedelta(days=rng.randrange(-100, 900)),
                    "status": "verified",
                    "created_at": now,
                }
            )
    return shops, rows, certificates


def queries(count: int, seed: int = 7) -> list[str]:
    """The same mixed queries for both engines: what buyers type, with and without accents."""
    from app.text import fold

    rng = random.Random(seed)
    made = []
    kinds = (
        "vi_plain",
        "vi_accents",
        "en",
        "upper",
        "typo",
        "place",
        "shop",
        "short",
        "long_tail",
    )
    while len(made) < count:
        kind = kinds[len(made) % len(kinds)]
        kind_vi, kind_en, _, qualifiers = rng.choice(PRODUCT_TYPES)
        qual_vi, qual_en = rng.choice(qualifiers)
        place_vi, place_en = rng.choice(PLACES)
        if kind == "vi_plain":
            made.append(fold(f"{kind_vi} {place_vi}").lower())
        elif kind == "vi_accents":
            made.append(f"{kind_vi} {qual_vi}".lower())
        elif kind == "en":
            made.append(rng.choice([kind_en, f"{qual_en} {kind_en}", f"{place_en} {kind_en}"]))
        elif kind == "upper":
            made.append(kind_vi.upper())
        elif kind == "typo":
            made.append(rng.choice(TYPOS))
        elif kind == "place":
            made.append(rng.choice([place_vi, fold(place_vi)]))
        elif kind == "shop":
            trade_vi, trade_en = rng.choice(SHOP_TRADES)
            made.append(rng.choice([f"htx {fold(trade_vi).lower()}", f"{trade_en} cooperative"]))
        elif kind == "long_tail":  # rare, precise: a whole product name and its shop's place
            made.append(fold(f"{kind_vi} {qual_vi} {place_vi} {place_en}").lower())
        else:
            made.append(fold(kind_vi.split()[0]).lower())
    return made


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = quantiles(samples, n=100, method="inclusive")
    return round(median(samples), 2), round(cuts[94], 2)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def fts5_build(fts_path: Path, database: Path) -> tuple[sqlite3.Connection, float]:
    """The same searchable text in one FTS5 table, read from the catalogue database; the build
    time includes the inserts."""
    started = time.perf_counter()
    fts_path.unlink(missing_ok=True)
    fts = sqlite3.connect(fts_path)
    fts.execute(
        "CREATE VIRTUAL TABLE product_fts USING fts5("
        "name_vi, name_en, description_vi, description_en, shop, place,"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    fts.execute("ATTACH DATABASE ? AS catalogue", (str(database),))
    fts.execute(
        "INSERT INTO product_fts(rowid, name_vi, name_en, description_vi, description_en,"
        " shop, place)"
        " SELECT p.id, p.name_vi, p.name_en, p.description_vi, p.description_en,"
        "  s.name_vi || ' ' || s.name_en,"
        "  c.name_vi || ' ' || c.name_en || ' ' || coalesce(pc.name_vi || ' ' || pc.name_en, '')"
        "  || ' ' || r.name_vi || ' ' || r.name_en"
        " FROM catalogue.product p JOIN catalogue.shop s ON s.id = p.shop_id"
        " JOIN catalogue.category c ON c.id = p.category_id"
        " LEFT JOIN catalogue.category pc ON pc.id = c.parent_id"
        " JOIN catalogue.province r ON r.id = s.province_id"
    )
    fts.commit()
    fts.execute("DETACH DATABASE catalogue")
    return fts, time.perf_counter() - started


def fts5_query(fts: sqlite3.Connection, text: str) -> tuple[list[int], int]:
    from app.search.analysis import words

    terms = words(text)[:8]
    if not terms:
        return [], 0
    match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    ids = [
        r[0]
        for r in fts.execute(
            "SELECT rowid FROM product_fts WHERE product_fts MATCH ? ORDER BY rank LIMIT 20",
            (match,),
        )
    ]
    total = fts.execute(
        "SELECT count(*) FROM product_fts WHERE product_fts MATCH ?", (match,)
    ).fetchone()[0]
    return ids, total


def timed(run, items) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        run(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


BACKENDS = ("whoosh", "postgres")
JSON_KEYS = (
    "products",
    "whoosh_build_s",
    "whoosh_p50_ms",
    "whoosh_p95_ms",
    "whoosh_facets_p95_ms",
    "suggest_p95_ms",
    "whoosh_first_query_ms",
    "update_visible_ms",
    "peak_rss_mb",
    "fts5_p50_ms",
    "fts5_p95_ms",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--backend",
        choices=(*BACKENDS, "both"),
        default="whoosh",
        help="search backend(s) to measure (postgres: in a throwaway cluster)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the work folder, and reuse the catalogue a kept folder holds",
    )
    args = parser.parse_args()
    backends = BACKENDS if args.backend == "both" else (args.backend,)

    if args.keep:
        workdir = Path(tempfile.gettempdir()) / f"chohtx-bench-search-{args.products}"
        workdir.mkdir(exist_ok=True)
        log(f"work folder (kept): {workdir}")
    else:
        workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    os.environ["INSTANCE_DIR"] = str(workdir / "instance")
    sys.path.insert(0, str(REPO))
    try:
        figures = run(workdir, args.products, args.queries, backends)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        keys = [k for k in JSON_KEYS if k in figures]
        keys += [f"postgres_{k}" for k in POSTGRES_KEYS if f"postgres_{k}" in figures]
        print(json.dumps({k: figures[k] for k in keys}))
    else:
        report(figures)


# The postgres backend's figures carry the same names, prefixed postgres_.
POSTGRES_KEYS = (
    "build_s",
    "p50_ms",
    "p95_ms",
    "facets_p95_ms",
    "suggest_p95_ms",
    "first_query_ms",
    "update_visible_ms",
    "peak_rss_mb",
)


def bench_app(workdir: Path, database_url: str, backend: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_BACKEND": backend,
            "SEARCH_INDEX_DIR": str(workdir / "search"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
            "SECRET_KEY": "bench",
        }
    )


def in_child(function, *args):
    """Run `function(*args)` in a forked process and return what it returns: each backend's
    peak memory is its own, and the generator's rows leave with its process."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def target():
        try:
            queue.put(("ok", function(*args)))
        except BaseException as error:  # reported in the parent
            queue.put(("error", repr(error)))

    process = context.Process(target=target)
    process.start()
    outcome, value = queue.get()
    process.join()
    if outcome != "ok":
        raise RuntimeError(value)
    return value


def generate(workdir: Path, database_url: str, products: int) -> None:
    """Migrate the database and fill it with bulk inserts (no session hooks: the index build
    is timed on its own)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import Category, OcopCertificate, Product, Province, Shop

    app = bench_app(workdir, database_url, "whoosh")
    with app.app_context():
        upgrade()
        provinces = dict(db.session.execute(sa.select(Province.slug, Province.id)).all())
        categories = dict(db.session.execute(sa.select(Category.slug, Category.id)).all())
        shops, rows, certificates = catalogue_rows(products, provinces, categories)
        db.session.execute(sa.insert(Shop), shops)
        for start in range(0, len(rows), 20_000):
            db.session.execute(sa.insert(Product), rows[start : start + 20_000])
        if certificates:
            db.session.execute(sa.insert(OcopCertificate), certificates)
        if db.engine.dialect.name == "postgresql":  # rows came with their ids
            for table in ("shop", "product", "ocop_certificate"):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()
        db.engine.dispose()


def measure(workdir: Path, database_url: str, backend: str, mixed, warm_up, products) -> dict:
    """One backend: index build, API and search-page queries, suggestions, a fresh worker's
    first query, and how long an update takes to be searchable."""
    from app import search
    from app.extensions import db
    from app.models import Product

    app = bench_app(workdir, database_url, backend)
    figures: dict = {}
    with app.app_context():
        log(f"{backend}: building the index (flask search reindex)...")
        started = time.perf_counter()
        search.reindex()
        figures["build_s"] = round(time.perf_counter() - started, 1)
        if backend == "whoosh":
            figures["index_mb"] = round(folder_size(workdir / "search") / 2**20, 1)

        def api(text):
            return search.search(text, "vi", per_page=20, facets=False)

        def page(text):
            return search.search(text, "vi", per_page=20, facets=True)

        # The first query of a worker that has just started: a new backend, nothing cached.
        fresh = type(search.backend())(*((workdir / "search",) if backend == "whoosh" else ()))
        started = time.perf_counter()
        fresh.search(mixed[0], "vi", per_page=20, facets=False)
        figures["first_query_ms"] = round((time.perf_counter() - started) * 1000, 1)
        log(f"{backend}: running {len(mixed)} queries (after {len(warm_up)} others)...")
        for text in warm_up:  # other queries: a process that has served traffic
            page(text)
        figures["p50_ms"], figures["p95_ms"] = percentiles(timed(api, mixed))
        figures["facets_p50_ms"], figures["facets_p95_ms"] = percentiles(timed(page, mixed))
        prefixes = sorted({q[: max(2, len(q) // 2)] for q in mixed})[:100]
        figures["suggest_p50_ms"], figures["suggest_p95_ms"] = percentiles(
            timed(lambda p: search.suggest(p, "vi"), prefixes)
        )
        figures["totals"] = {text: api(text).total for text in mixed[:8]}

        log(f"{backend}: timing updates until they are searchable...")
        visible = []
        for n in range(5):
            product = db.session.get(Product, 1 + n * 997 % products)
            word = f"zqx{n}marker"
            started = time.perf_counter()
            product.name_vi = f"{product.name_vi} {word}"
            db.session.commit()  # the search index follows the commit (journal, writer)
            while not api(word).ids:
                pass
            visible.append((time.perf_counter() - started) * 1000)
        figures["update_visible_ms"] = round(median(visible), 1)
        figures["update_visible_all_ms"] = [round(v, 1) for v in visible]
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        db.session.remove()
        db.engine.dispose()
    return figures


def run(workdir: Path, products: int, query_count: int, backends=("whoosh",)) -> dict:
    from contextlib import ExitStack

    from tests.servers import postgres_cluster

    database = workdir / "bench.sqlite"
    marker = workdir / "generated"
    figures: dict = {"products": products}
    if marker.exists():
        log(f"reusing the catalogue of {products} products in {database}")
    else:
        database.unlink(missing_ok=True)
        log(f"generating {products} products (bulk inserts)...")
        started = time.perf_counter()
        in_child(generate, workdir, f"sqlite:///{database}", products)
        figures["generate_s"] = round(time.perf_counter() - started, 1)
        marker.touch()

    log("building the FTS5 table...")
    fts_path = workdir / "fts5.sqlite"
    fts, fts_build = fts5_build(fts_path, database)
    figures["fts5_build_s"] = round(fts_build, 1)
    figures["fts5_size_mb"] = round(fts_path.stat().st_size / 2**20, 1)

    mixed = queries(query_count)
    warm_up = queries(query_count, seed=99)
    for text in warm_up:
        fts5_query(fts, text)
    figures["fts5_p50_ms"], figures["fts5_p95_ms"] = percentiles(
        timed(lambda t: fts5_query(fts, t), mixed)
    )
    fts5_totals = {text: fts5_query(fts, text)[1] for text in mixed[:8]}
    fts.close()

    totals = {}
    for backend in backends:
        with ExitStack() as stack:
            if backend == "postgres":
                url = stack.enter_context(postgres_cluster())
                log(f"postgres: the same {products} products into a throwaway cluster...")
                in_child(generate, workdir, url, products)
            else:
                url = f"sqlite:///{database}"
            found = in_child(measure, workdir, url, backend, mixed, warm_up, products)
        totals[backend] = found.pop("totals")
        prefix = "whoosh_" if backend == "whoosh" else "postgres_"
        for key, value in found.items():
            if backend == "whoosh" and key in WHOOSH_PLAIN:
                figures[key] = value  # the names for the Whoosh backend
            else:
                figures[prefix + key] = value
    figures["sample"] = {
        text: (*(totals[b][text] for b in backends), fts5_totals[text]) for text in mixed[:8]
    }
    figures["backends"] = list(backends)
    return figures


def report(figures: dict) -> None:
    print(f"products:                {figures['products']}")
    if "generate_s" in figures:
        print(f"catalogue generated in:  {figures['generate_s']} s")
    print(f"FTS5 build:              {figures['fts5_build_s']} s, {figures['fts5_size_mb']} MB")
    print(f"FTS5 p50/p95:            {figures['fts5_p50_ms']} / {figures['fts5_p95_ms']} ms")
    for backend in figures["backends"]:
        w = backend == "whoosh"
        f = {
            key: figures.get(
                (f"{backend}_{key}") if not (w and key in WHOOSH_PLAIN) else key,
            )
            for key in (*POSTGRES_KEYS, "facets_p50_ms", "suggest_p50_ms", "index_mb")
        }
        size = f", {f['index_mb']} MB" if f.get("index_mb") else ""
        print(f"{backend}:")
        print(f"  build:                 {f['build_s']} s{size}")
        print(f"  API p50/p95:           {f['p50_ms']} / {f['p95_ms']} ms")
        print(f"  search page p50/p95:   {f['facets_p50_ms']} / {f['facets_p95_ms']} ms")
        print(f"  suggest p50/p95:       {f['suggest_p50_ms']} / {f['suggest_p95_ms']} ms")
        print(f"  fresh worker:          first query {f['first_query_ms']} ms")
        print(f"  update visible:        {f['update_visible_ms']} ms (median of 5)")
        print(f"  peak memory:           {f['peak_rss_mb']} MB (the measuring process)")
    print(f"hits ({', '.join(figures['backends'])}, FTS5) for the first queries:")
    for text, totals in figures["sample"].items():
        print(f"  {text!r}: {', '.join(map(str, totals))}")


# The Whoosh figures the issue names without a prefix.
WHOOSH_PLAIN = {"suggest_p50_ms", "suggest_p95_ms", "peak_rss_mb", "update_visible_ms"}


if __name__ == "__main__":
    main()
