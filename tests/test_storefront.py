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
    ProductFactory(shop=shop, slug="mam", stock=7, unit="chai 500 ml", weight_g=650)
    html = client.get("/en/p/mam").get_data(as_text=True)
    for text in ("chai 500 ml", "650 g", "An Giang", ">7<"):
        assert text in html


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
    from app.media import store_image
    from app.models import ProductImage
    from tests.factories import image_bytes

    product = ProductFactory(slug=slug, name_en="Brocade bag")
    for n in range(count):
        stored = store_image(image_bytes(size=(1200, 900), color=(40 * n, 90, 60)))
        db.session.add(
            ProductImage(
                product=product,
                key=stored.key,
                position=n,
                width=stored.width,
                height=stored.height,
            )
        )
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
