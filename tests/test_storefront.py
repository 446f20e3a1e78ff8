"""What buyers see: pages in both languages, prices, fallbacks, pagination, errors."""

import pytest

from app.models import ProductStatus
from tests.factories import ProductFactory, ShopFactory, add_image, province


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
    past_end = client.get("/vi/c/thuc-pham?page=99")
    assert past_end.status_code == 200 and 'href="/vi/c/thuc-pham?page=2"' in past_end.get_data(
        as_text=True
    )


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


# --- staff preview, gallery, language switch after a refused form -----------------------------


@pytest.mark.parametrize(
    "changes",
    [{"is_hidden": True}, {"status": ProductStatus.DRAFT}, {"status": ProductStatus.PENDING}],
)
def test_staff_preview_their_own_product_that_buyers_cannot_see(client, auth, changes):
    from tests.factories import UserFactory, staff_of

    shop = ShopFactory()
    ProductFactory(shop=shop, slug="preview-me", name_en="Lotus tea", **changes)
    staff_of(shop, email="own@example.com")
    staff_of(ShopFactory(), email="other@example.com")
    UserFactory(email="admin@example.com", role="admin")

    assert client.get("/en/p/preview-me").status_code == 404  # a stranger
    auth.login("other@example.com")
    assert client.get("/en/p/preview-me").status_code == 404  # staff of another shop
    auth.logout()
    for email in ("own@example.com", "admin@example.com"):
        auth.login(email)
        response = client.get("/en/p/preview-me")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Preview: not public." in html and "Lotus tea" in html
        assert "Add to cart" not in html and 'name="robots" content="noindex"' in html
        auth.logout()
    auth.login("own@example.com", lang="vi")
    assert "Xem trước: chưa công khai." in client.get("/vi/p/preview-me").get_data(as_text=True)


def test_public_product_has_no_preview_banner_even_for_its_staff(client, auth):
    from tests.factories import staff_of

    shop = ShopFactory()
    ProductFactory(shop=shop, slug="public-one")
    staff_of(shop, email="own@example.com")
    auth.login("own@example.com")
    html = client.get("/en/p/public-one").get_data(as_text=True)
    assert "Preview: not public." not in html and "Add to cart" in html


def product_with_images(count: int, slug: str = "gallery"):
    from app.extensions import db

    product = ProductFactory(slug=slug, name_en="Brocade bag")
    for n in range(count):
        add_image(product, n, size=(1200, 900), color=(40 * n, 90, 60))
    db.session.commit()
    return product


def test_gallery_thumbnails_open_our_page_not_the_raw_image_file(client):
    import re

    product = product_with_images(3)
    keys = [image.key for image in product.images]
    html = client.get("/en/p/gallery").get_data(as_text=True)
    thumbs = re.findall(r'<li><a href="([^"]+)"[^>]*>\s*<img src="([^"]+)"', html)
    assert [href for href, _ in thumbs] == [f"/en/p/gallery?image={n}" for n in (1, 2, 3)]
    assert all(key in src for (_, src), key in zip(thumbs, keys, strict=True))  # main one too
    assert not re.search(r'<a href="[^"]+\.webp"', html)
    # The main image: the first by default, sized (no layout shift) and with its srcset.
    main = re.search(r'<img id="gallery-main-image"[^>]*>', html).group()
    assert f"{keys[0]}-md.webp" in main and 'width="800" height="600"' in main
    assert f"{keys[0]}-sm.webp 320w" in main and f"{keys[0]}-lg.webp 1200w" in main
    assert 'aria-current="true"' in html.split("?image=1", 1)[1].split(">", 1)[0]
    # Without JavaScript, ?image=2 shows the second image as the main one.
    second = client.get("/en/p/gallery?image=2").get_data(as_text=True)
    main = re.search(r'<img id="gallery-main-image"[^>]*>', second).group()
    assert f"{keys[1]}-md.webp" in main and "(2/3)" in main
    assert client.get("/en/p/gallery?image=9").status_code == 200  # falls back to the first


def test_language_switch_after_a_refused_add_to_cart_opens_the_product_page(client):
    import re

    product = ProductFactory(slug="few", stock=2)
    refused = client.post("/vi/cart/add", data={"product_id": product.id, "qty": 50})
    assert refused.status_code in (400, 409)
    html = refused.get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', html).group(1)
    assert switch == "/en/p/few"
    assert client.get(switch).status_code == 200


def test_language_switch_after_a_refused_cart_update_opens_the_cart(client):
    import re

    product = ProductFactory(slug="some", stock=3)
    client.post("/vi/cart/add", data={"product_id": product.id, "qty": 1})
    refused = client.post("/vi/cart/update", data={"product_id": product.id, "qty": "50"})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', html).group(1)
    assert client.get(switch).status_code == 200
    assert switch == "/en/cart"


def test_language_switch_of_a_get_and_post_form_stays_on_the_form(client):
    import re

    refused = client.post("/vi/login", data={"email": "nobody@example.com", "password": "x"})
    assert refused.status_code >= 400
    switch = re.search(r'<a href="([^"]+)" hreflang="en"', refused.get_data(as_text=True))
    assert switch.group(1) == "/en/login" and client.get("/en/login").status_code == 200


# --- sorting and filtering category and shop pages, the whole category path, past the end -----


def listing(client, url: str) -> list[str]:
    """The product names of a category or shop page, in order, as a buyer reads them."""
    import re

    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<article class="card product-card">.*?<h3>(.*?)</h3>', html, re.S)


@pytest.fixture
def coffee_shelf():
    from datetime import UTC, date, datetime, timedelta

    from app.catalog.services import category_by_slug
    from app.extensions import db
    from app.models import OcopCertificate

    coffee = category_by_slug("ca-phe")
    shop = ShopFactory(slug="htx-ea-tu")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [("Robusta", 180000, 5, 4), ("Culi", 210000, 0, 0), ("Arabica", 320000, 8, 5)]
    for n, (name, price, stock, stars) in enumerate(rows):
        product = ProductFactory(
            shop=shop,
            category=coffee,
            name_en=name,
            price_vnd=price,
            stock=stock,
            created_at=start + timedelta(days=n),
        )
        if stars:
            db.session.add(
                OcopCertificate(
                    product=product,
                    certificate_no=f"OCOP-{n}",
                    stars=stars,
                    issuer="UBND tỉnh Đắk Lắk",
                    issued_on=date(2025, 1, 1),
                    expires_on=date(2099, 1, 1),
                    status="verified",
                )
            )
    db.session.commit()
    return shop


@pytest.mark.parametrize("base", ["/en/c/ca-phe", "/en/c/do-uong", "/en/s/htx-ea-tu"])
def test_category_and_shop_pages_sort_and_filter(client, coffee_shelf, base):
    assert listing(client, base) == ["Arabica", "Culi", "Robusta"]  # newest first
    assert listing(client, f"{base}?sort=price_asc") == ["Robusta", "Culi", "Arabica"]
    assert listing(client, f"{base}?sort=price_desc") == ["Arabica", "Culi", "Robusta"]
    assert listing(client, f"{base}?sort=ocop") == ["Arabica", "Robusta", "Culi"]
    assert listing(client, f"{base}?ocop=1") == ["Arabica", "Robusta"]
    assert listing(client, f"{base}?in_stock=1") == ["Arabica", "Robusta"]
    assert listing(client, f"{base}?min_price=200000&max_price=300000") == ["Culi"]
    assert listing(client, f"{base}?min_price=300000&max_price=200000") == ["Culi"]  # swapped
    assert listing(client, f"{base}?sort=nonsense&min_price=abc") == ["Arabica", "Culi", "Robusta"]
    html = client.get(f"{base}?sort=price_asc&ocop=1").get_data(as_text=True)
    assert "data-autosubmit" in html and '<option value="price_asc" selected>' in html
    assert 'name="ocop" value="1" checked' in html and ">Apply</button>" in html
    assert "No products match these filters." in client.get(f"{base}?min_price=999999999").get_data(
        as_text=True
    )


def test_pages_keep_sort_and_filters_in_their_links(client):
    from app.catalog.services import category_by_slug

    for n in range(30):
        ProductFactory(category=category_by_slug("tra"), price_vnd=10000 + n, stock=1)
    html = client.get("/en/c/tra?sort=price_asc&in_stock=1").get_data(as_text=True)
    assert 'href="/en/c/tra?page=2&amp;sort=price_asc&amp;in_stock=1"' in html


def test_breadcrumbs_show_the_whole_category_path(client):
    from app.catalog.services import category_by_slug

    ProductFactory(slug="nm", category=category_by_slug("nuoc-mam-gia-vi"))
    product = client.get("/en/p/nm").get_data(as_text=True)
    trail = product.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/"' in trail and 'href="/en/c/thuc-pham"' in trail
    assert 'href="/en/c/nuoc-mam-gia-vi"' in trail
    category = client.get("/en/c/nuoc-mam-gia-vi").get_data(as_text=True)
    trail = category.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/en/c/thuc-pham"' in trail and 'aria-current="page"' in trail


@pytest.mark.parametrize("base", ["/vi/c/ca-phe", "/vi/s/htx-ea-tu", "/vi/search?q=coffee&"])
def test_a_page_past_the_end_says_so_and_links_the_last_page(client, coffee_shelf, base):
    sep = "" if base.endswith("&") else "?"
    response = client.get(f"{base}{sep}page=7")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Trang 7 đã quá cuối danh sách" in html and "Đến trang cuối" in html
    assert 'name="robots" content="noindex' in html
