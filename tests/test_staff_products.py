"""Cooperative staff manage their products; nobody else can."""

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Product, ProductImage, ProductStatus, Shop
from tests.factories import ProductFactory, ShopFactory, UserFactory, image_bytes, staff_of


@pytest.fixture
def shop():
    # Vietnamese name only: the English pages fall back to it.
    return ShopFactory(slug="htx-ea-tu", name_vi="HTX Cà phê Ea Tu")


def product_form(**overrides):
    data = {
        "sku": "CF-01",
        "name_vi": "Cà phê Robusta rang mộc",
        "name_en": "Roasted Robusta coffee",
        "description_vi": "Rang mộc, không tẩm.",
        "description_en": "Plain roasted.",
        "category_id": "0",
        "price_vnd": "150000",
        "stock": "12",
        "unit_vi": "gói 500 g",
        "unit_en": "500 g pack",
        "weight_g": "520",
        "submit_review": "1",
    }
    data.update(overrides)
    return data


def upload(data: bytes, name: str = "photo.jpg"):
    return (io.BytesIO(data), name)


def product_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Product.id)))


def test_staff_creates_published_product_with_images_shown_on_shop_page(client, shop, staff):
    response = client.post(
        f"/en/manage/{shop.slug}/products/new",
        data=product_form(images=[upload(image_bytes()), upload(image_bytes("PNG"), "b.png")]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    product = db.session.scalar(sa.select(Product))
    assert product.status == ProductStatus.APPROVED
    assert [image.position for image in product.images] == [0, 1]
    page = client.get(f"/en/s/{shop.slug}").get_data(as_text=True)
    assert "Roasted Robusta coffee" in page
    image_url = f"/media/{product.images[0].key}-sm.webp"
    assert image_url in page
    served = client.get(image_url)
    assert served.status_code == 200 and served.mimetype == "image/webp"


def test_draft_is_not_public_until_published(client, shop, staff):
    data = product_form()
    del data["submit_review"]
    data["save_draft"] = "1"
    client.post(f"/en/manage/{shop.slug}/products/new", data=data)
    product = db.session.scalar(sa.select(Product))
    assert product.status == ProductStatus.DRAFT
    listing = client.get(f"/en/manage/{shop.slug}/products").get_data(as_text=True)
    assert "Draft" in listing
    preview = client.get(f"/en/p/{product.slug}")  # its staff preview it
    assert preview.status_code == 200 and "Preview: not public." in preview.get_data(as_text=True)
    client.post("/en/logout")
    assert client.get(f"/en/p/{product.slug}").status_code == 404


def test_with_auto_approval_off_submission_waits_for_review(app, client, shop, staff):
    app.config["AUTO_APPROVE_POLICY"] = "off"
    client.post(f"/en/manage/{shop.slug}/products/new", data=product_form())
    product = db.session.scalar(sa.select(Product))
    assert product.status == ProductStatus.PENDING
    assert "Waiting for review" in client.get(f"/en/manage/{shop.slug}/products").get_data(
        as_text=True
    )
    client.post("/en/logout")
    assert client.get(f"/en/p/{product.slug}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name_vi": "", "name_en": ""}, "Fill in the Vietnamese or the English version."),
        ({"price_vnd": "0"}, "Enter a number from 1 to 10,000,000,000."),
        ({"price_vnd": "12.5"}, "Not a valid integer value."),
        ({"stock": "-1"}, "Enter a number from 0 to 10,000,000."),
        ({"sku": "bad sku!"}, "Use letters, digits, dot, dash or underscore."),
        ({"category_id": "99999"}, "Not a valid choice."),
    ],
)
def test_product_form_rejects_bad_input(client, shop, staff, overrides, message):
    response = client.post(f"/en/manage/{shop.slug}/products/new", data=product_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert product_count() == 0


def test_duplicate_sku_in_same_shop_is_refused(client, shop, staff):
    ProductFactory(shop=shop, sku="CF-01")
    response = client.post(f"/en/manage/{shop.slug}/products/new", data=product_form())
    assert response.status_code == 400
    assert "already uses SKU CF-01" in response.get_data(as_text=True)
    assert product_count() == 1


def test_edit_product_updates_fields_and_keeps_slug(client, shop, staff):
    product = ProductFactory(shop=shop, sku="CF-01", slug="ca-phe")
    response = client.post(
        f"/en/manage/{shop.slug}/products/{product.id}/edit",
        data=product_form(name_en="Robusta, honey process", price_vnd="175000"),
    )
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.name_en == "Robusta, honey process" and product.price_vnd == 175000
    assert "Robusta, honey process" in client.get("/en/p/ca-phe").get_data(as_text=True)


def test_change_stock_hide_and_delete(client, shop, staff):
    product = ProductFactory(shop=shop, slug="tra-xanh", stock=3)
    base = f"/en/manage/{shop.slug}/products/{product.id}"
    assert client.post(f"{base}/stock", data={"stock": "0"}).status_code == 302
    db.session.refresh(product)
    assert product.stock == 0
    assert "Sold out" in client.get("/en/p/tra-xanh").get_data(as_text=True)

    client.post(f"{base}/visibility")
    hidden = client.get("/en/p/tra-xanh").get_data(as_text=True)  # its staff see a preview
    assert "Preview: not public." in hidden and "hidden from buyers" in hidden
    client.post(f"{base}/visibility")
    shown = client.get("/en/p/tra-xanh")
    assert shown.status_code == 200 and "Preview: not public." not in shown.get_data(as_text=True)

    client.post(f"{base}/delete")
    assert product_count() == 0


def test_negative_stock_is_refused_with_message(client, shop, staff):
    product = ProductFactory(shop=shop, stock=3)
    response = client.post(
        f"/en/manage/{shop.slug}/products/{product.id}/stock",
        data={"stock": "-4"},
        follow_redirects=True,
    )
    assert "0 or more" in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.stock == 3


def test_at_most_eight_images(client, shop, staff):
    response = client.post(
        f"/en/manage/{shop.slug}/products/new",
        data=product_form(images=[upload(image_bytes(size=(40, 40))) for _ in range(9)]),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "at most 8 images" in response.get_data(as_text=True)
    assert product_count() == 0


def test_remove_image(client, shop, staff, app):
    client.post(
        f"/en/manage/{shop.slug}/products/new",
        data=product_form(images=[upload(image_bytes()), upload(image_bytes())]),
        content_type="multipart/form-data",
    )
    product = db.session.scalar(sa.select(Product))
    first = product.images[0]
    key = first.key
    client.post(f"/en/manage/{shop.slug}/products/{product.id}/images/{first.id}/delete")
    db.session.expire_all()
    assert len(product.images) == 1 and product.images[0].position == 0
    assert client.get(f"/media/{key}-sm.webp").status_code == 404


def test_staff_without_login_is_sent_to_login(client, shop):
    response = client.get(f"/en/manage/{shop.slug}/products")
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]


def test_buyer_cannot_manage_a_shop(client, shop, auth):
    UserFactory(email="buyer@example.com")
    auth.login()
    assert client.get(f"/en/manage/{shop.slug}/products").status_code == 403


# --- shop A's staff against shop B's data: every staff write route --------------------


@pytest.fixture
def other_shop_product():
    other = ShopFactory(slug="htx-other", name_vi="HTX Khác")
    return ProductFactory(shop=other, sku="OT-1", slug="other-product", stock=5, name_vi="Khác")


def staff_write_requests(own_slug: str, product: Product, image_id: int):
    """Every staff write route, aimed at another shop's data two ways."""
    other_slug = product.shop.slug
    pid = product.id
    yield "post", f"/en/manage/{other_slug}/products/new", product_form(sku="X-1")
    yield "post", f"/en/manage/{other_slug}/profile", {"name_vi": "Hacked", "province_id": "1"}
    for slug in (other_slug, own_slug):  # the other shop's URL, and the product smuggled into ours
        yield "post", f"/en/manage/{slug}/products/{pid}/edit", product_form(name_vi="Hacked")
        yield "post", f"/en/manage/{slug}/products/{pid}/stock", {"stock": "999"}
        yield "post", f"/en/manage/{slug}/products/{pid}/visibility", {}
        yield "post", f"/en/manage/{slug}/products/{pid}/images/{image_id}/delete", {}
        yield "post", f"/en/manage/{slug}/products/{pid}/delete", {}


def test_staff_of_shop_a_cannot_change_shop_b(client, shop, staff, other_shop_product):
    image = ProductImage(product=other_shop_product, key="k" * 32, position=0, width=1, height=1)
    db.session.add(image)
    db.session.commit()
    for method, url, data in staff_write_requests(shop.slug, other_shop_product, image.id):
        response = getattr(client, method)(url, data=data)
        assert response.status_code in (403, 404), url
    db.session.expire_all()
    product = db.session.get(Product, other_shop_product.id)
    assert product.name_vi == "Khác" and product.stock == 5 and not product.is_hidden
    assert len(product.images) == 1
    assert db.session.scalar(sa.select(Shop).where(Shop.slug == "htx-other")).name_vi == "HTX Khác"
    assert product_count() == 1


def test_staff_of_shop_a_cannot_read_shop_b_dashboard(client, shop, staff, other_shop_product):
    assert client.get("/en/manage/htx-other/products").status_code == 403
    assert client.get("/en/manage/htx-other/profile").status_code == 403
    assert (
        client.get(f"/en/manage/htx-other/products/{other_shop_product.id}/edit").status_code == 403
    )
    assert (
        client.get(f"/en/manage/{shop.slug}/products/{other_shop_product.id}/edit").status_code
        == 404
    )


def test_staff_of_two_shops_chooses_between_them(client, shop, auth):
    second = ShopFactory(slug="htx-second", name_vi="HTX Thứ hai", name_en="Second Cooperative")
    user = staff_of(shop, email="two@example.com")
    from app.models import ShopMember

    db.session.add(ShopMember(shop=second, user=user))
    db.session.commit()
    auth.login("two@example.com")
    page = client.get("/en/manage/").get_data(as_text=True)
    assert "Cooperative no." in page and "Second Cooperative" in page
    assert client.get("/en/manage/htx-second/products").status_code == 200


def test_csrf_is_required_on_staff_forms(app, client, shop, staff):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/en/manage/{shop.slug}/products/new", data=product_form())
    assert response.status_code == 400
    assert product_count() == 0
