"""What buyers see: pages in both languages, prices, fallbacks, pagination, errors."""

import pytest

from app.models import ProductStatus
from tests.factories import ProductFactory, ShopFactory, province


def test_root_redirects_by_accept_language(client):
    assert (
        client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).headers["Location"] == "/en/"
    )
    assert client.get("/", headers={"Accept-Language": "vi"}).headers["Location"] == "/vi/"
    assert client.get("/").headers["Location"] == "/vi/"


def test_unknown_language_prefix_is_404(client):
    assert client.get("/fr/").status_code == 404


@pytest.mark.parametrize(("lang", "price"), [("vi", "150.000\xa0₫"), ("en", "₫150,000")])
def test_product_page_formats_price_for_language(client, lang, price):
    ProductFactory(slug="nuoc-mam", price_vnd=150000)
    html = client.get(f"/{lang}/p/nuoc-mam").get_data(as_text=True)
    assert price in html
    assert f'<html lang="{lang}">' in html


def test_product_page_shows_stock_unit_weight_and_province(client):
    shop = ShopFactory(province=province("an-giang"))
    ProductFactory(
        shop=shop, slug="mam", stock=7, unit_vi="chai 500 ml", unit_en="500 ml bottle", weight_g=650
    )
    html = client.get("/en/p/mam").get_data(as_text=True)
    for text in ("500 ml bottle", "650 g", "An Giang", ">7<"):
        assert text in html
    assert "chai 500 ml" not in html
    assert "chai 500 ml" in client.get("/vi/p/mam").get_data(as_text=True)


def test_every_page_has_hreflang_and_language_switch_keeping_the_page(client):
    ProductFactory(slug="mat-ong")
    html = client.get("/vi/p/mat-ong").get_data(as_text=True)
    assert 'hreflang="en" href="http://localhost/en/p/mat-ong"' in html
    assert 'hreflang="vi" href="http://localhost/vi/p/mat-ong"' in html
    assert 'href="/en/p/mat-ong"' in html  # the switch
    assert '<meta name="csrf-token"' in html


def test_missing_translation_falls_back_and_says_so(client):
    ProductFactory(slug="tra", name_vi="Trà Tân Cương", name_en="", description_en="")
    html = client.get("/en/p/tra").get_data(as_text=True)
    assert '<span lang="vi">Trà Tân Cương</span>' in html
    assert "not yet translated" in html


def test_hidden_draft_and_suspended_products_are_not_public(client):
    ProductFactory(slug="hidden", is_hidden=True)
    ProductFactory(slug="draft", status=ProductStatus.DRAFT)
    ProductFactory(slug="pending", status=ProductStatus.PENDING)
    ProductFactory(slug="suspended", shop=ShopFactory(status="suspended"))
    for slug in ("hidden", "draft", "pending", "suspended"):
        assert client.get(f"/vi/p/{slug}").status_code == 404
    assert client.get("/vi/").get_data(as_text=True).count("product-card") == 0


def test_category_page_lists_products_of_subcategories_with_pagination(client):
    from app.catalog.services import category_by_slug

    fish_sauce = category_by_slug("nuoc-mam-gia-vi")
    for n in range(30):
        ProductFactory(category=fish_sauce, name_vi=f"Nước mắm {n}")
    page1 = client.get("/vi/c/thuc-pham").get_data(as_text=True)
    assert page1.count("product-card") == 24
    assert 'rel="next"' in page1
    page2 = client.get("/vi/c/thuc-pham?page=2").get_data(as_text=True)
    assert page2.count("product-card") == 6
    assert client.get("/vi/c/thuc-pham?page=99").status_code == 200


def test_category_empty_state(client):
    html = client.get("/en/c/homestay").get_data(as_text=True)
    assert "No products in this category yet." in html


def test_shop_list_and_shop_page(client):
    shop = ShopFactory(
        name_vi="HTX Cà phê Ea Tu",
        name_en="Ea Tu Coffee Cooperative",
        founded_year=2012,
        member_count=45,
    )
    ProductFactory(shop=shop, name_en="Robusta coffee")
    listing = client.get("/en/shops").get_data(as_text=True)
    assert "Ea Tu Coffee Cooperative" in listing and "1 product" in listing
    page = client.get(f"/en/s/{shop.slug}").get_data(as_text=True)
    assert "Robusta coffee" in page and "Founded 2012" in page and "45 members" in page


def test_unknown_pages_are_bilingual_404s(client):
    assert "Page not found" in client.get("/en/s/nope").get_data(as_text=True)
    vi = client.get("/vi/s/nope")
    assert vi.status_code == 404 and '<html lang="vi">' in vi.get_data(as_text=True)


def test_server_error_page_rolls_back_and_is_500(app, client):
    from app.extensions import db
    from app.models import Shop

    @app.route("/vi/boom")
    def boom():
        db.session.add(Shop(slug="half-written", name_vi="x", province_id=1))
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/vi/boom")
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True) or response.status_code == 500
    import sqlalchemy as sa

    assert db.session.scalar(sa.select(Shop).where(Shop.slug == "half-written")) is None


def test_healthz_reports_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "db": "ok", "search": "ok"}
