"""Units are bilingual content like names: "chai 500 ml" on the Vietnamese site, "500 ml
bottle" on the English one; a unit missing in one language falls back to the other, and the
page says so."""

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Product
from tests.conftest import _settings
from tests.factories import ProductFactory, ShopFactory
from tests.test_catalog_import import import_file, products, write_csv
from tests.test_staff_products import product_form

FALLBACK_NOTE = {
    "en": "Part of this page is not yet translated and is shown in the other language.",
    "vi": "Một phần nội dung trang này chưa được dịch",
}


def test_each_site_shows_the_unit_in_its_language_on_cards_and_product_page(client):
    ProductFactory(slug="mam", name_vi="Nước mắm", unit_vi="chai 500 ml", unit_en="500 ml bottle")
    for path in ("/en/p/mam", "/en/search?q=mam", "/en/"):
        html = client.get(path).get_data(as_text=True)
        assert "/ 500 ml bottle" in html, path
        assert "chai 500 ml" not in html, path
    for path in ("/vi/p/mam", "/vi/search?q=mam", "/vi/"):
        html = client.get(path).get_data(as_text=True)
        assert "/ chai 500 ml" in html, path
        assert "500 ml bottle" not in html, path


def test_a_unit_missing_in_english_falls_back_to_vietnamese_and_says_so(client):
    ProductFactory(slug="mam", name_en="Fish sauce", unit_vi="chai 500 ml", unit_en="")
    html = client.get("/en/p/mam").get_data(as_text=True)
    assert '/ <span lang="vi">chai 500 ml</span>' in html
    assert FALLBACK_NOTE["en"] in html
    card = client.get("/en/search?q=fish").get_data(as_text=True)
    assert '<span lang="vi">chai 500 ml</span>' in card


def test_a_unit_missing_in_vietnamese_falls_back_to_english_and_says_so(client):
    ProductFactory(slug="mam", unit_vi="", unit_en="500 ml bottle")
    html = client.get("/vi/p/mam").get_data(as_text=True)
    assert '<span lang="en">500 ml bottle</span>' in html
    assert FALLBACK_NOTE["vi"] in html


def test_a_fully_translated_product_has_no_fallback_note(client):
    ProductFactory(slug="mam", unit_vi="chai 500 ml", unit_en="500 ml bottle")
    assert FALLBACK_NOTE["en"] not in client.get("/en/p/mam").get_data(as_text=True)


def test_staff_enter_the_unit_in_both_languages(client, shop, staff):
    response = client.post(
        f"/en/manage/{shop.slug}/products/new",
        data=product_form(unit_vi="hũ 200 g", unit_en="200 g jar"),
    )
    assert response.status_code == 302
    product = db.session.scalar(sa.select(Product))
    assert (product.unit_vi, product.unit_en) == ("hũ 200 g", "200 g jar")
    form = client.get(f"/vi/manage/{shop.slug}/products/{product.id}/edit").get_data(as_text=True)
    assert 'value="hũ 200 g"' in form and 'value="200 g jar"' in form


def test_csv_unit_is_vietnamese_and_unit_en_english(runner, tmp_path):
    shop = ShopFactory(slug="htx-phu-quoc")
    header = ["sku", "name_vi", "price_vnd", "stock", "unit", "unit_en"]
    rows = [
        {"sku": "NM-01", "name_vi": "Nước mắm", "price_vnd": "150000", "stock": "3"}
        | {"unit": "chai 500 ml", "unit_en": "500 ml bottle"}
    ]
    result = import_file(runner, write_csv(tmp_path, rows, header=header), shop.slug)
    assert result.exit_code == 0, result.output
    [product] = products()
    assert (product.unit_vi, product.unit_en) == ("chai 500 ml", "500 ml bottle")


def test_a_csv_without_unit_en_keeps_the_english_unit(runner, tmp_path):
    shop = ShopFactory(slug="htx-phu-quoc")
    ProductFactory(shop=shop, sku="NM-01", unit_vi="chai", unit_en="bottle")
    header = ["sku", "name_vi", "price_vnd", "stock", "unit"]
    rows = [{"sku": "NM-01", "name_vi": "Nước mắm", "price_vnd": "1000", "stock": "1"}]
    rows[0]["unit"] = "chai 1 lít"
    result = import_file(runner, write_csv(tmp_path, rows, header=header), shop.slug)
    assert result.exit_code == 0, result.output
    [product] = products()
    assert (product.unit_vi, product.unit_en) == ("chai 1 lít", "bottle")


def test_a_unit_en_longer_than_its_column_is_a_bad_row(runner, tmp_path):
    shop = ShopFactory(slug="htx-phu-quoc")
    header = ["sku", "name_vi", "price_vnd", "stock", "unit_en"]
    rows = [{"sku": "NM-01", "name_vi": "Mắm", "price_vnd": "1000", "stock": "1"}]
    rows[0]["unit_en"] = "x" * 41
    result = import_file(runner, write_csv(tmp_path, rows, header=header), shop.slug)
    assert result.exit_code == 1
    assert "unit_en is longer than 40 characters" in result.output
    assert products() == []


def test_the_api_gives_the_unit_in_the_asked_language(client):
    product = ProductFactory(unit_vi="chai 500 ml", unit_en="500 ml bottle")
    assert client.get(f"/api/v1/products/{product.id}?lang=en").json["unit"] == "500 ml bottle"
    assert client.get(f"/api/v1/products/{product.id}?lang=vi").json["unit"] == "chai 500 ml"


def test_the_migration_keeps_existing_units_as_the_vietnamese_unit(tmp_path):
    """A database from before bilingual units: its units were Vietnamese."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app({**_settings(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="a9fa1e000004")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table, extra in (("product", {"slug": "mam"}), ("order_line", {})):
                connection.execute(sa.text(insert_with_placeholders(connection, table, extra)))
        upgrade()
        with db.engine.connect() as connection:
            for table in ("product", "order_line"):
                row = connection.execute(sa.text(f"SELECT unit_vi, unit_en FROM {table}")).one()
                assert tuple(row) == ("chai 500 ml", ""), table
        db.engine.dispose()


def insert_with_placeholders(connection, table: str, extra: dict) -> str:
    """An INSERT of one row filling every required column with a value of its type."""
    values = {"unit": "chai 500 ml", **extra}
    for column in sa.inspect(connection).get_columns(table):
        if column["name"] in values or column["nullable"] or column.get("primary_key"):
            continue
        kind = str(column["type"]).upper()
        values[column["name"]] = (
            1
            if "INT" in kind or "BOOL" in kind
            else "2026-01-01 00:00:00"
            if "DATE" in kind or "TIME" in kind
            else "x"
        )
    names = ", ".join(values)
    literals = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values.values())
    return f"INSERT INTO {table} ({names}) VALUES ({literals})"
