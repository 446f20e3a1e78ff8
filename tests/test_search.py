"""Search as buyers use it: Vietnamese with or without accents, English, typos, filters.

The catalogue in tests/search_data.py holds 33 real cooperative products; every test gets
its own database and its own index directory.
"""

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from app import search
from app.catalog import services as catalog
from app.extensions import db
from app.models import OcopCertificate, Product, ProductStatus, Shop, ShopStatus
from app.models.base import vietnam_today
from app.search import postgres_backend
from app.search.documents import SearchFilters, all_documents
from app.search.postgres_backend import PostgresBackend
from app.search.whoosh_backend import WhooshBackend
from tests.conftest import SEARCH_BACKENDS, postgres_url
from tests.factories import UserFactory, staff_of
from tests.search_data import PRODUCTS, category, make_catalog
from tests.shopping import as_a_request

TOTAL = len(PRODUCTS)
# For what only one engine has: Whoosh's lock file and index folders.
WHOOSH_ONLY = pytest.mark.parametrize("app_settings", [{"SEARCH_BACKEND": "whoosh"}])


@pytest.fixture(params=SEARCH_BACKENDS)
def app_settings(request) -> dict:
    """Every test runs on each search backend available (PostgreSQL's under make test-postgres)."""
    return {"SEARCH_BACKEND": request.param}


def another_worker(app):
    """The backend as another gunicorn worker has it: its own instance on the same index."""
    if app.config["SEARCH_BACKEND"] == "postgres":
        return PostgresBackend()
    return WhooshBackend(app.config["SEARCH_INDEX_DIR"])


@pytest.fixture
def products(app):
    return make_catalog()


def result_names(client, url: str) -> list[str]:
    """The product names of a results page, in order, as a buyer reads them."""
    html = client.get(url).get_data(as_text=True)
    listing = (
        html.split('class="result-list"', 1)[1].split("</ol>", 1)[0]
        if "result-list" in html
        else ""
    )
    return [re.sub(r"<[^>]+>", "", h2).strip() for h2 in re.findall(r"<h2>(.*?)</h2>", listing)]


def page_text(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def names(query: str, lang: str = "vi", **kwargs) -> list[str]:
    """Names (in Vietnamese) of the products the search interface returns, in order."""
    result = search.search(query, lang, **kwargs)
    by_id = {
        p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(result.ids)))
    }
    return [by_id[i].name_vi for i in result.ids]


# --- matching -----------------------------------------------------------------------------


def test_query_without_accents_finds_the_accented_product_first(client, products):
    assert (
        result_names(client, "/vi/search?q=nuoc+mam+phu+quoc")[0] == "Nước mắm Phú Quốc 40 độ đạm"
    )


def test_d_folds_to_đ_so_dak_lak_finds_đắk_lắk_products(products):
    found = names("dak lak")
    assert "Cà phê Robusta Buôn Ma Thuột rang xay" in found
    assert "Rượu cần Ê Đê" in names("ede")


def test_english_query_finds_vietnamese_products_by_their_english_names(client, products):
    assert set(result_names(client, "/en/search?q=fish+sauce")[:2]) == {
        "Premium first-press anchovy fish sauce",
        "Phu Quoc fish sauce 40°N",
    }
    assert result_names(client, "/en/search?q=green+tea")[0] == "Tan Cuong green tea"
    assert set(result_names(client, "/en/search?q=brocade")) == {
        "Hmong brocade scarf",
        "Red Dao brocade bag",
    }


def test_vietnamese_query_on_the_english_page_still_matches(client, products):
    assert "Hmong brocade scarf" in result_names(client, "/en/search?q=thổ+cẩm")


def test_english_plural_matches_singular_through_stemming(products):
    assert set(names("sauces")[:2]) == set(names("sauce")[:2])
    assert "Mật ong bạc hà Hà Giang" in names("honeys")


def test_case_does_not_matter(client, products):
    upper = result_names(client, "/vi/search?q=N%C6%AF%E1%BB%9AC+M%E1%BA%AEM")  # NƯỚC MẮM
    lower = result_names(client, "/vi/search?q=nước+mắm")
    assert upper == lower
    assert upper[0].startswith("Nước mắm")
    assert result_names(client, "/en/search?q=Fish+SAUCE") == result_names(
        client, "/en/search?q=fish+sauce"
    )


def test_typed_accents_rank_mắm_above_mâm_and_the_reverse(products):
    fermented = names("mắm")
    trays = names("mâm")
    assert fermented.index("Mắm tôm Hậu Lộc") < fermented.index("Mâm gỗ sơn mài")
    assert trays.index("Mâm gỗ sơn mài") < trays.index("Mắm tôm Hậu Lộc")
    assert set(fermented) == set(trays)  # both spellings fold to "mam"


def test_old_and_new_tone_placement_are_the_same_word(products):
    assert names("xoài hòa lộc")[0] == "Xoài cát Hoà Lộc"
    assert names("xoài hoà lộc")[0] == "Xoài cát Hoà Lộc"


def test_shop_category_and_province_names_are_searchable(products):
    assert set(names("ea tu")) == {
        "Cà phê Robusta Buôn Ma Thuột rang xay",
        "Cà phê Culi nguyên hạt",
        "Cà phê sữa hòa tan",
        "Mật ong hoa cà phê",
        "Rượu cần Ê Đê",
    }
    assert set(names("silk")) == {"Khăn lụa tơ tằm Vạn Phúc"}  # the category, in English
    assert set(names("quang ninh")) == {"Chả mực Hạ Long", "Sá sùng khô Quan Lạn"}


def test_every_word_must_match(products):
    assert names("mật ong cà phê") == ["Mật ong hoa cà phê"]


def test_the_page_language_ranks_its_own_names_first(app, products):
    shop = products["CF-ROB"].shop
    approved = {"shop": shop, "price_vnd": 1000, "status": ProductStatus.APPROVED}
    db.session.add_all(
        [
            Product(
                sku="A", slug="a", name_vi="Cà phê Robusta", name_en="Ground coffee", **approved
            ),
            Product(sku="B", slug="b", name_vi="Cà phê hạt", name_en="Robusta beans", **approved),
        ]
    )
    db.session.commit()
    vi = names("robusta", "vi")
    en = names("robusta", "en")
    assert vi.index("Cà phê Robusta") < vi.index("Cà phê hạt")
    assert en.index("Cà phê hạt") < en.index("Cà phê Robusta")


# --- did you mean, autocomplete ---------------------------------------------------------------


def test_misspelt_query_gets_a_suggestion_from_the_catalogue(client, products):
    result = search.search("nuoc mma", "vi")
    assert result.total == 0
    assert result.suggestion == "nuoc mam"
    assert search.search("ca phe robsuta", "vi").suggestion == "ca phe robusta"
    assert search.search("mật ogn", "vi").suggestion == "mật ong"
    # Nothing found: the page shows what the correction finds, and says so.
    text = page_text(client, "/en/search?q=nuoc+mma")
    assert "No products match “nuoc mma”. Showing results for “nuoc mam”." in text
    assert "Nước mắm Phú Quốc 40 độ đạm" in result_names(client, "/vi/search?q=nuoc+mma")
    # Words that match something (a shop's or a province's name) are never "corrected".
    assert search.search("nuoc mam phu quoc nhii", "vi").suggestion == "nuoc mam phu quoc nhi"


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("cofee", "coffee"),  # a real word, not the stem "coffe" the index also holds
        ("cafe", "ca phe"),  # "f" typed for "ph", then split: not "cake" one letter away
        ("ca fe", "ca phe"),
        ("caphe", "ca phe"),  # typed without the space
        ("nuocmam", "nuoc mam"),
        ("mat ongg", "mat ong"),
        ("cà fê", "cà phê"),  # accents typed: the suggestion has them too
    ],
)
def test_did_you_mean_prefers_real_product_words_joined_or_split(products, query, suggestion):
    assert search.search(query, "vi").suggestion == suggestion


def test_a_query_that_finds_nothing_shows_what_its_correction_finds(client, products):
    names = result_names(client, "/vi/search?q=caphe")
    assert names and all("cà phê" in name.lower() for name in names[:3])
    text = page_text(client, "/vi/search?q=caphe")
    assert "Không có sản phẩm nào khớp với “caphe”." in text
    assert "Đang hiện kết quả cho “ca phe”." in text
    assert "Phu Quoc fish sauce 40°N" in result_names(client, "/en/search?q=nuocmam")
    assert "Showing results for “nuoc mam”." in page_text(client, "/en/search?q=nuocmam")


def test_a_correction_is_weighed_by_how_common_the_word_is(products):
    """One edit from a rare word or two from a common one: the common one wins."""
    from app.search.whoosh_backend import best_correction

    assert best_correction("honney", {"honey": 40, "hobbey": 1}, 0, 2) == "honey"
    assert best_correction("cake", {"cafe": 1, "cakes": 1}, 0, 1) == "cafe"
    assert best_correction("mma", {"mam": 30, "ma": 2}, 0, 1) == "mam"


def add_products(*rows):
    """(shop slug, category slug, Vietnamese name, Vietnamese description) each, committed."""
    shops = {s.slug: s for s in db.session.scalars(sa.select(Shop))}
    for n, (shop, cat, name, description) in enumerate(rows):
        db.session.add(
            Product(
                shop=shops[shop],
                sku=f"EXTRA-{n}",
                slug=f"extra-{n}",
                name_vi=name,
                name_en="",
                description_vi=description,
                description_en="",
                category=category(cat),
                price_vnd=50000,
                stock=5,
                status=ProductStatus.APPROVED,
            )
        )
    db.session.commit()


def test_shop_name_matches_rank_below_products_that_are_what_was_asked_for(products):
    add_products(
        ("htx-phu-quoc", "thit-hai-san", "Mực một nắng", "Mực câu đêm, phơi một nắng."),
        ("htx-hau-loc", "banh-keo-dac-san", "Bánh đa nem", "Cuốn chả giò chấm nước mắm."),
    )
    found = names("nuoc mam")
    assert set(found[:2]) == {"Nước mắm Phú Quốc 40 độ đạm", "Nước mắm cá cơm nhĩ thượng hạng"}
    # "nước mắm" is only the shop's name for the squid; the rice paper's own text has it.
    assert found.index("Bánh đa nem") < found.index("Mực một nắng")


def test_a_query_with_many_hits_gets_no_suggestion(products):
    assert search.search("nuoc mam", "vi").suggestion is None


def test_autocomplete_offers_product_names_for_a_prefix(products):
    assert set(search.suggest("nuoc m", "vi")[:2]) == {
        "Nước mắm Phú Quốc 40 độ đạm",
        "Nước mắm cá cơm nhĩ thượng hạng",
    }
    assert search.suggest("tra", "vi")[0].startswith("Trà")
    assert "Coffee blossom honey" in search.suggest("coffee bl", "en")
    assert search.suggest("", "vi") == []
    assert search.suggest("x", "vi") == []


# --- facets, filters, sorting, pages ---------------------------------------------------------


def test_facets_count_categories_provinces_stars_shops_and_price_bands(products):
    facets = search.search("", "vi").facets
    assert dict(facets["province"])["ha-noi"] == 6
    assert dict(facets["category"])["thuc-pham"] == 17  # a top level counts its children
    assert dict(facets["category"])["nuoc-mam-gia-vi"] == 6
    assert dict(facets["ocop_stars"]) == {5: 4, 4: 8, 3: 4}
    assert dict(facets["shop"])["htx-phu-quoc"] == 3
    assert sum(n for _, n in facets["price_band"]) == TOTAL
    assert dict(facets["price_band"])["over-1m"] == 2


def test_sidebar_shows_counts_and_filtering_by_province_keeps_only_its_products(client, products):
    html = client.get("/en/search?q=mam").get_data(as_text=True)
    assert re.search(r'province=thanh-hoa">Thanh Hoa</a> <span class="count">\(3\)', html)
    found = result_names(client, "/en/search?q=mam&province=thanh-hoa")
    assert set(found) == {
        "Hau Loc shrimp paste",
        "Fermented anchovy dipping sauce",
        "Tay Ninh shrimp salt",
    }


def test_filter_chip_removes_its_filter(client, products):
    html = client.get("/en/search?q=tea&province=ha-noi&ocop_stars=5").get_data(as_text=True)
    assert 'aria-label="Remove filter: Hanoi"' in html
    chip = re.search(r'<a href="([^"]+)" aria-label="Remove filter: Hanoi"', html).group(1)
    assert "province" not in chip and "ocop_stars=5" in chip
    assert result_names(client, "/en/search?q=tea&province=ha-noi&ocop_stars=5") == [
        "West Lake lotus tea"
    ]


def test_category_filter_includes_subcategories(products):
    drinks = names("", filters=SearchFilters(category="do-uong"))
    assert len(drinks) == 8
    assert "Rượu cần Ê Đê" in drinks


def test_ocop_stars_shop_and_price_filters(products):
    assert set(names("", filters=SearchFilters(ocop_stars=5))) == {
        "Nước mắm cá cơm nhĩ thượng hạng",
        "Trà sen Tây Hồ",
        "Trà Tân Cương Thái Nguyên",
        "Chả mực Hạ Long",
    }
    cheap = names("", filters=SearchFilters(max_price=45000))
    assert set(cheap) == {"Mắm tôm Hậu Lộc", "Mắm nêm cá cơm", "Muối tôm Tây Ninh", "Kẹo dừa sáp"}
    assert set(names("", filters=SearchFilters(shop="htx-sa-pa"))) == {
        "Khăn thổ cẩm H'Mông",
        "Túi thổ cẩm Dao đỏ",
    }


def test_expired_certificate_stars_do_not_count(products):
    certificate = db.session.scalar(
        sa.select(OcopCertificate).where(OcopCertificate.certificate_no == "OCOP-CHA-MUC")
    )
    certificate.expires_on = vietnam_today() - timedelta(days=1)
    db.session.commit()
    assert "Chả mực Hạ Long" not in names("", filters=SearchFilters(ocop_stars=5))


def test_sorting_by_price_newest_and_stars(client, products):
    assert names("", sort="price_asc")[0] == "Muối tôm Tây Ninh"
    assert names("", sort="price_desc")[0] == "Sá sùng khô Quan Lạn"
    assert names("", sort="newest")[0] == "Tinh dầu sả chanh"  # the last one added
    assert names("tra", sort="ocop")[0] in {"Trà sen Tây Hồ", "Trà Tân Cương Thái Nguyên"}
    assert result_names(client, "/vi/search?q=tra&sort=price_desc")[0] == "Trà sen Tây Hồ"


def test_pages_split_the_results_without_overlap(client, products):
    first = search.search("", "vi", page=1, per_page=10)
    second = search.search("", "vi", page=2, per_page=10)
    last = search.search("", "vi", page=4, per_page=10)
    assert first.total == second.total == TOTAL
    assert len(first.ids) == 10 and len(last.ids) == TOTAL - 30
    assert not set(first.ids) & set(second.ids)
    html = client.get("/en/search?q=&page=2").get_data(as_text=True)
    assert '<span aria-current="page">2</span>' in html
    assert 'rel="prev"' in html


def test_relevance_pages_follow_the_ranking(products):
    ranked = search.search("tra", "vi", page=1, per_page=100).ids
    paged = [i for p in (1, 2, 3) for i in search.search("tra", "vi", page=p, per_page=2).ids]
    assert paged == ranked[:6]


def test_empty_results_page_suggests_other_ways(client, products):
    text = page_text(client, "/en/search?q=zzzqqq")
    assert "No products match “zzzqqq”." in text
    assert "Browse a category instead" in text


def test_matches_are_highlighted_accents_or_not(client, products):
    html = client.get("/vi/search?q=nuoc+mam").get_data(as_text=True)
    assert "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc" in html


# --- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["*", "(((", "title:", "x" * 20_000, "", "   ", "AND OR NOT", 'name:"a', "\x00%", "🐟🐟"],
)
def test_hostile_queries_are_answered_cleanly(client, products, query):
    result = search.search(query, "vi")
    assert result.total >= 0
    response = client.get("/vi/search", query_string={"q": query})
    assert response.status_code == 200
    api = client.get("/api/v1/products", query_string={"q": query})
    assert api.status_code == 200
    assert client.get("/api/v1/suggest", query_string={"q": query}).status_code == 200


@pytest.mark.parametrize("query", ["🐟", "🐟🐟 ☕", "(((", "*"])
def test_a_query_with_nothing_to_search_for_finds_nothing_and_says_so(client, products, query):
    result = search.search(query, "vi")
    assert result.total == 0 and result.ids == [] and result.unsearchable
    text = page_text(client, f"/en/search?q={query}")
    assert "Nothing to search for in" in text and "type a word with letters or numbers" in text
    assert result_names(client, f"/en/search?q={query}") == []
    assert client.get("/api/v1/products", query_string={"q": query}).get_json()["total"] == 0
    assert "Không có gì để tìm trong" in page_text(client, f"/vi/search?q={query}")


def test_an_empty_query_still_lists_everything(products):
    assert search.search("", "vi").total == TOTAL
    assert search.search("   ", "vi").total == TOTAL


# --- the index follows the database ---------------------------------------------------------


def product_input(**changes) -> catalog.ProductInput:
    values = dict(
        sku="NEW-1",
        name_vi="Nước mắm Nam Ô",
        name_en="Nam O fish sauce",
        description_vi="Làng nghề nước mắm Nam Ô, Đà Nẵng.",
        description_en="From the Nam O fish sauce village in Da Nang.",
        category_id=category("nuoc-mam-gia-vi").id,
        price_vnd=120000,
        stock=5,
        unit_vi="chai",
        unit_en="bottle",
        weight_g=None,
    )
    values.update(changes)
    return catalog.ProductInput(**values)


def test_created_product_is_searchable_right_after_commit(app, products):
    shop = products["NM-40"].shop
    staff = staff_of(shop)
    assert "Nước mắm Nam Ô" not in names("nam o")
    with as_a_request():  # the index follows the commit
        catalog.create_product(staff, shop, product_input(), [], submit=True)
    assert names("nam o")[0] == "Nước mắm Nam Ô"


def test_edited_name_replaces_the_old_one_in_search(products):
    product = products["TRA-CUC"]
    staff = staff_of(product.shop)
    assert names("hoa cuc") == ["Trà hoa cúc"]  # this worker has a searcher open already
    edit = product_input(sku="TRA-CUC", name_vi="Trà hoa nhài", name_en="Jasmine tea")
    with as_a_request():
        catalog.update_product(staff, product, edit, [], submit=True)
    assert names("hoa cuc") == []
    assert names("jasmine", "en") == ["Trà hoa nhài"]


def test_pending_product_appears_once_approved(app, products):
    app.config["AUTO_APPROVE_POLICY"] = "off"
    shop = products["NM-40"].shop
    product = catalog.create_product(staff_of(shop), shop, product_input(), [], submit=True)
    assert product.status == ProductStatus.PENDING
    assert "Nước mắm Nam Ô" not in names("nam o")
    product.status = ProductStatus.APPROVED  # what the moderation queue will do
    db.session.commit()
    assert names("nam o")[0] == "Nước mắm Nam Ô"


def test_hidden_product_vanishes_from_results_and_comes_back(client, auth, products):
    product = products["MT-HL"]
    staff_of(product.shop, email="staff@example.com")
    auth.login("staff@example.com")
    url = f"/vi/manage/{product.shop.slug}/products/{product.id}/visibility"
    assert "Mắm tôm Hậu Lộc" in result_names(client, "/vi/search?q=mam+tom")
    client.post(url)
    assert "Mắm tôm Hậu Lộc" not in result_names(client, "/vi/search?q=mam+tom")
    assert search.search("", "vi").total == TOTAL - 1
    client.post(url)
    assert "Mắm tôm Hậu Lộc" in result_names(client, "/vi/search?q=mam+tom")


def test_product_moved_to_another_category_is_filtered_under_the_new_one(products):
    products["KEO-DUA"].category = category("trai-cay")
    db.session.commit()
    assert "Kẹo dừa sáp" in names("", filters=SearchFilters(category="trai-cay"))
    assert "Kẹo dừa sáp" not in names("", filters=SearchFilters(category="banh-keo-dac-san"))


def test_deleted_product_vanishes(products):
    product = products["BUOI-DX"]
    with as_a_request():
        catalog.delete_product(staff_of(product.shop), product)
    assert names("buoi") == []


def test_suspended_shop_takes_its_products_out_of_search(products):
    shop = products["KHAN-TC"].shop
    shop.status = ShopStatus.SUSPENDED
    db.session.commit()
    assert names("brocade", "en") == []
    shop.status = ShopStatus.ACTIVE
    db.session.commit()
    assert len(names("brocade", "en")) == 2


def test_rolled_back_changes_never_reach_the_index(products):
    product = products["GAO-LUT"]
    product.name_vi = "Gạo tẻ"
    db.session.flush()
    db.session.rollback()
    assert names("gao te") == []
    assert names("gao lut") == ["Gạo lứt đỏ"]


def test_concurrent_writers_lose_no_update_and_keep_the_index_sound(app, products):
    """Four workers' worth of threads edit products at once; every last edit is searchable."""
    ids = [p.id for p in products.values()][:8]
    start = threading.Barrier(4)
    errors = []

    def worker(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                for round_ in range(3):
                    for product_id in ids[n * 2 : n * 2 + 2]:
                        product = db.session.get(Product, product_id)
                        product.name_en = f"edit w{n}r{round_}"
                        db.session.commit()
                db.session.remove()
        except Exception as error:  # surfaced below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for n in range(4):
        assert search.search(f"w{n}r2", "en").total == 2
        assert search.search(f"w{n}r1", "en").total == 0
    assert search.search("", "vi").total == TOTAL
    # A second process (its own backend on the same folder) reads the same, sound index.
    other = another_worker(app)
    assert other.search("w3r2", "en").total == 2
    assert other.search("", "vi").total == TOTAL


@WHOOSH_ONLY
def test_a_change_journaled_while_another_worker_writes_is_applied_by_the_next_writer(products):
    backend = search.backend()
    backend.write_timeout = 0.05
    with backend._write_lock(timeout=1) as locked:  # another worker is writing
        assert locked
        product = products["NON-LA"]
        product.name_vi = "Nón bài thơ Huế"
        db.session.commit()
        assert names("bai tho") == []  # journaled, not yet applied
    products["TD-SA"].price_vnd = 75000  # the next transaction drains the journal
    db.session.commit()
    assert names("bai tho") == ["Nón bài thơ Huế"]


# --- rebuilding --------------------------------------------------------------------------------


def test_reindex_command_rebuilds_the_same_results(runner, products):
    before = [names(q) for q in ("nuoc mam", "tra", "coffee", "")]
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {TOTAL} products." in result.output
    assert [names(q) for q in ("nuoc mam", "tra", "coffee", "")] == before


def test_live_index_keeps_answering_while_a_rebuild_runs(app, products):
    """Readers of other workers see the old index until the new one is complete."""
    backend = search.backend()
    reader = another_worker(app)
    seen_during_rebuild = []

    def documents():
        with so.Session(db.engine) as session:
            for n, document in enumerate(all_documents(session)):
                if n == 10:
                    seen_during_rebuild.append(reader.search("", "vi").total)
                    # A product saved meanwhile is caught up before the new index goes live.
                    product = db.session.get(Product, products["GAO-NEP"].id)
                    product.name_vi = "Gạo nếp cẩm"
                    db.session.commit()
                yield document

    backend.rebuild(documents(), search._load)
    assert seen_during_rebuild == [TOTAL]
    assert reader.search("", "vi").total == TOTAL
    assert reader.search("nep cam", "vi").total == 1


@WHOOSH_ONLY
def test_healthz_reports_search_down_when_the_index_cannot_open(app, client, products):
    assert client.get("/healthz").get_json()["search"] == "ok"
    backend = search.backend()
    (backend.root / "CURRENT").write_text("index-missing")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["search"] == "error"


def test_approved_product_of_a_shop_not_yet_active_is_not_found(products):
    province = products["NM-40"].shop.province
    shop = Shop(
        slug="htx-cho", name_vi="HTX Chờ duyệt", province=province, status=ShopStatus.PENDING
    )
    db.session.add(
        Product(shop=shop, sku="P", slug="p", name_vi="Mật ong chờ", price_vnd=1, status="approved")
    )
    db.session.commit()
    assert "Mật ong chờ" not in names("mat ong")


def test_a_buyer_account_is_not_needed_to_search(client, products):
    UserFactory()
    assert client.get("/vi/search?q=tra").status_code == 200


# --- the PostgreSQL backend's own tables -------------------------------------------------------

if postgres_url():
    POSTGRES_ONLY = pytest.mark.parametrize("app_settings", [{"SEARCH_BACKEND": "postgres"}])

    def drop_search_tables() -> None:
        with db.engine.begin() as connection:
            for table in postgres_backend.TABLES:
                connection.exec_driver_sql(f"DROP TABLE {table}")
            connection.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION {postgres_backend.CONFIG}")

    @POSTGRES_ONLY
    def test_postgres_backend_creates_its_tables_on_first_use(runner):
        drop_search_tables()
        make_catalog()
        assert names("nuoc mam phu quoc")[0] == "Nước mắm Phú Quốc 40 độ đạm"
        result = runner.invoke(args=["search", "reindex"])
        assert f"Indexed {TOTAL} products." in result.output
        assert search.search("mật ogn", "vi").suggestion == "mật ong"

    @POSTGRES_ONLY
    def test_healthz_reports_postgres_search_down_without_its_tables(client, products):
        assert client.get("/healthz").get_json()["search"] == "ok"
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE search_documents RENAME TO search_gone")
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json() == {"status": "error", "db": "ok", "search": "error"}
