"""Label facts a category requires: a listing without them cannot be published."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Product, ProductStatus
from tests.factories import ProductFactory, ShopFactory
from tests.test_staff_products import product_form


@pytest.fixture
def shop():
    return ShopFactory(slug="htx-phu-quoc", name_vi="HTX Nước mắm Phú Quốc")


@pytest.fixture
def sauces():
    category = Category(
        slug="nuoc-cham",
        name_vi="Nước chấm",
        name_en="Sauces",
        required_facts="origin,ingredients,shelf_life",
    )
    db.session.add(category)
    db.session.commit()
    return category


FACTS = {
    "fact_origin_vi": "Phú Quốc, Kiên Giang",
    "fact_origin_en": "Phu Quoc, Kien Giang",
    "fact_ingredients_vi": "Cá cơm, muối",
    "fact_ingredients_en": "Anchovy, salt",
    "fact_shelf_life_vi": "24 tháng kể từ ngày sản xuất",
}


def test_listing_without_a_required_fact_is_refused_naming_it(client, shop, staff, sauces):
    data = product_form(category_id=str(sauces.id), **FACTS)
    data.pop("fact_shelf_life_vi")
    response = client.post(f"/vi/manage/{shop.slug}/products/new", data=data)
    assert response.status_code == 400
    assert "Hạn sử dụng" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 0

    response = client.post(f"/en/manage/{shop.slug}/products/new", data=data)
    assert response.status_code == 400
    assert "This category requires: Shelf life" in response.get_data(as_text=True)


def test_a_draft_may_lack_facts(client, shop, staff, sauces):
    data = product_form(category_id=str(sauces.id))
    data.pop("submit_review")
    data["save_draft"] = "1"
    assert client.post(f"/en/manage/{shop.slug}/products/new", data=data).status_code == 302
    assert db.session.scalar(sa.select(Product)).status == ProductStatus.DRAFT


def test_facts_are_shown_in_both_languages_and_in_the_api(client, shop, staff, sauces):
    data = product_form(category_id=str(sauces.id), **FACTS)
    assert client.post(f"/en/manage/{shop.slug}/products/new", data=data).status_code == 302
    product = db.session.scalar(sa.select(Product))
    assert product.facts["origin"] == {"vi": "Phú Quốc, Kiên Giang", "en": "Phu Quoc, Kien Giang"}
    vi = client.get(f"/vi/p/{product.slug}").get_data(as_text=True)
    assert "Xuất xứ" in vi and "Phú Quốc, Kiên Giang" in vi and "Cá cơm, muối" in vi
    en = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "Origin" in en and "Phu Quoc, Kien Giang" in en
    body = client.get(f"/api/v1/products/{product.id}?lang=en").get_json()
    assert body["facts"]["ingredients"]["en"] == "Anchovy, salt"
    assert body["facts"]["shelf_life"]["vi"] == "24 tháng kể từ ngày sản xuất"
    edit = client.get(f"/en/manage/{shop.slug}/products/{product.id}/edit")
    assert "Cá cơm, muối" in edit.get_data(as_text=True)


def test_public_page_lists_the_facts_each_category_requires(client, sauces):
    page = client.get("/en/category-facts").get_data(as_text=True)
    assert "Sauces" in page and "Ingredients or composition" in page


def test_product_without_facts_has_empty_facts_in_the_api(client):
    product = ProductFactory()
    body = client.get(f"/api/v1/products/{product.id}").get_json()
    assert body["facts"] == {}
