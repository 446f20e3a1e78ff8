"""Public JSON API v1: the shapes of docs/contracts.md, checked against our own OpenAPI document."""

from datetime import timedelta

import jsonschema
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OcopCertificate, ShopStatus
from app.models.base import vietnam_today
from tests.conftest import SEARCH_BACKENDS
from tests.factories import add_image
from tests.search_data import PRODUCTS, make_catalog


@pytest.fixture(params=SEARCH_BACKENDS)
def app_settings(request) -> dict:
    """Every test runs on each search backend available (PostgreSQL's under make test-postgres)."""
    return {"SEARCH_BACKEND": request.param}


@pytest.fixture
def products(app):
    return make_catalog()


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def assert_matches(openapi: dict, schema_name: str, body) -> None:
    """Validate a real response body against a schema of the served OpenAPI document."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{schema_name}",
        "components": openapi["components"],
    }
    jsonschema.validate(body, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def certificate(no: str) -> OcopCertificate:
    return db.session.scalar(sa.select(OcopCertificate).where(OcopCertificate.certificate_no == no))


def test_openapi_document_describes_every_endpoint(openapi):
    assert openapi["openapi"].startswith("3.1")
    assert set(openapi["paths"]) == {
        "/products",
        "/products/{id}",
        "/shops",
        "/shops/{slug}",
        "/suggest",
    }
    jsonschema.Draft202012Validator.check_schema(openapi["components"]["schemas"]["ProductList"])


def test_product_search_answers_in_the_documented_shape(client, openapi, products):
    response = client.get("/api/v1/products?q=nuoc+mam+phu+quoc")
    assert response.status_code == 200
    body = response.get_json()
    assert_matches(openapi, "ProductList", body)
    first = body["items"][0]
    assert first["name"] == "Nước mắm Phú Quốc 40 độ đạm"
    shop = first["shop"]
    assert {k: shop[k] for k in ("slug", "name", "province")} == {
        "slug": "htx-phu-quoc",
        "name": "HTX Nước mắm Phú Quốc",
        "province": "an-giang",
    }
    assert shop["legal_name"] == "HTX Nước mắm Phú Quốc" and shop["tax_code"] is None
    assert shop["verified_on"] is not None  # who sells, as on the seller information block
    assert first["currency"] == "VND" and first["price_vnd"] == 150000
    assert first["url"] == f"http://localhost/vi/p/{first['slug']}"
    assert body["page"] == 1 and body["per_page"] == 20 and body["suggestion"] is None


def test_products_in_english_with_filters_and_paging(client, openapi, products):
    body = client.get("/api/v1/products?lang=en&category=tra&per_page=2&page=2").get_json()
    assert_matches(openapi, "ProductList", body)
    assert body["total"] == 4
    assert len(body["items"]) == 2
    assert all(item["lang"] == "en" and item["category"] == "tra" for item in body["items"])
    body = client.get("/api/v1/products?province=dak-lak&ocop_stars=4").get_json()
    assert [item["sku"] for item in body["items"]] == ["CF-ROB"]
    body = client.get("/api/v1/products?min_price=1000000").get_json()
    assert {item["sku"] for item in body["items"]} == {"TRA-SEN", "SA-SUNG"}
    body = client.get("/api/v1/products?shop=htx-sa-pa&sort=price_asc").get_json()
    assert [item["sku"] for item in body["items"]] == ["TUI-TC", "KHAN-TC"]


def test_product_list_without_query_is_newest_first(client, products):
    body = client.get("/api/v1/products?per_page=100").get_json()
    assert body["total"] == len(PRODUCTS)
    assert body["items"][0]["sku"] == PRODUCTS[-1][0]


def test_misspelt_query_offers_a_suggestion(client, openapi, products):
    body = client.get("/api/v1/products?q=ca+phe+robsuta").get_json()
    assert_matches(openapi, "ProductList", body)
    assert body["total"] == 0 and body["suggestion"] == "ca phe robusta"


def test_one_product_with_image_and_verified_ocop_certificate(client, openapi, products):
    product = products["NM-40"]
    add_image(product)
    db.session.commit()
    body = client.get(f"/api/v1/products/{product.id}?lang=en").get_json()
    assert_matches(openapi, "Product", body)
    assert body["name"] == "Phu Quoc fish sauce 40°N"
    assert body["image"].startswith("http://localhost/media/") and body["image"].endswith(".webp")
    assert body["ocop"]["stars"] == 4
    assert body["ocop"]["certificate_no"] == "OCOP-NM-40"
    assert body["ocop"]["verify_url"] == "http://localhost/en/ocop/verify/OCOP-NM-40"


def test_expired_or_unverified_certificates_are_not_shown(client, products):
    certificate("OCOP-NM-40").expires_on = vietnam_today() - timedelta(days=1)
    certificate("OCOP-CHA-MUC").status = "pending"
    db.session.commit()
    assert client.get(f"/api/v1/products/{products['NM-40'].id}").get_json()["ocop"] is None
    assert client.get(f"/api/v1/products/{products['CHA-MUC'].id}").get_json()["ocop"] is None


def test_missing_translation_falls_back_to_the_other_language(client, products):
    product = products["BUOI-DX"]
    product.name_en = ""
    product.description_en = ""
    db.session.commit()
    body = client.get(f"/api/v1/products/{product.id}?lang=en").get_json()
    assert body["name"] == "Bưởi da xanh"
    assert body["description"].startswith("Bưởi da xanh ruột hồng")
    assert body["lang"] == "en"


def test_hidden_products_and_suspended_shops_are_not_public(client, products):
    hidden = products["GAO-LUT"]
    hidden.is_hidden = True
    products["CHA-MUC"].shop.status = ShopStatus.SUSPENDED
    db.session.commit()
    assert client.get(f"/api/v1/products/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/products/{products['CHA-MUC'].id}").status_code == 404
    assert client.get("/api/v1/shops/htx-ha-long").status_code == 404
    skus = {item["sku"] for item in client.get("/api/v1/products?per_page=100").get_json()["items"]}
    assert not skus & {"GAO-LUT", "CHA-MUC", "SA-SUNG"}
    shops = {s["slug"] for s in client.get("/api/v1/shops?per_page=100").get_json()["items"]}
    assert "htx-ha-long" not in shops


def test_shops_and_one_shop(client, openapi, products):
    body = client.get("/api/v1/shops?lang=en&per_page=3").get_json()
    assert_matches(openapi, "ShopList", body)
    assert body["total"] == 10 and len(body["items"]) == 3
    body = client.get("/api/v1/shops?province=ha-noi").get_json()
    assert [s["slug"] for s in body["items"]] == ["htx-ha-noi"]
    one = client.get("/api/v1/shops/htx-ha-noi?lang=en").get_json()
    assert_matches(openapi, "Shop", one)
    assert one["name"] == "Hanoi Craft Villages Cooperative"
    assert one["product_count"] == 6
    assert one["url"] == "http://localhost/en/s/htx-ha-noi"


def test_suggest_endpoint(client, openapi, products):
    body = client.get("/api/v1/suggest?q=mat+o").get_json()
    assert_matches(openapi, "Suggestions", body)
    assert "Mật ong hoa cà phê" in body["suggestions"]
    assert client.get("/api/v1/suggest").get_json() == {"suggestions": []}
    english = client.get("/api/v1/suggest?q=gree&lang=en").get_json()["suggestions"]
    assert "Tan Cuong green tea" in english


def test_get_requests_are_open_to_other_sites(client, products):
    for url in ("/api/v1/products", "/api/v1/shops", "/api/v1/suggest?q=tra", "/api/v1/products/0"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("page=0", "page"),
        ("page=-3", "page"),
        ("page=1.5", "page"),
        ("lang=fr", "lang"),
        ("ocop_stars=2", "ocop_stars"),
        ("ocop_stars=6", "ocop_stars"),
        ("min_price=-1", "min_price"),
        ("max_price=lots", "max_price"),
        ("sort=random", "sort"),
        ("province=atlantis", "province"),
        ("category=cars", "category"),
        ("shop=htx-nowhere", "shop"),
        ("page=99999999999999999999", "page"),
    ],
)
def test_bad_parameters_get_a_400_json_error(client, openapi, products, query, parameter):
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert_matches(openapi, "Error", body)
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["message"].startswith(f"{parameter}:")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/shops?per_page=500",
        "/api/v1/shops?province=nowhere",
        "/api/v1/suggest?limit=0",
        "/api/v1/suggest?lang=de",
        "/api/v1/products/1?lang=xx",
    ],
)
def test_other_endpoints_reject_bad_parameters_too(client, openapi, products, url):
    response = client.get(url)
    assert response.status_code == 400
    assert_matches(openapi, "Error", response.get_json())


def test_unknown_ids_are_404_json(client, openapi, products):
    for url in ("/api/v1/products/999999", "/api/v1/shops/no-such-shop", "/api/v1/nothing"):
        response = client.get(url)
        assert response.status_code == 404
        assert_matches(openapi, "Error", response.get_json())


@pytest.mark.parametrize("query", ["*", "(((", "title:", "q" * 20_000, "%00", "' OR 1=1 --"])
def test_hostile_search_text_is_never_an_error(client, openapi, products, query):
    response = client.get("/api/v1/products", query_string={"q": query})
    assert response.status_code == 200
    assert_matches(openapi, "ProductList", response.get_json())
