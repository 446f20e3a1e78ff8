"""`flask catalog import`: the operator's product CSV (docs/contracts.md, "CSV")."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OcopCertificate, Product, ProductImage, ProductStatus
from tests.factories import ProductFactory, ShopFactory, image_bytes

HEADER = [
    "sku",
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "category",
    "price_vnd",
    "stock",
    "unit",
    "unit_en",
    "weight_g",
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_issuer",
    "ocop_issued_on",
    "ocop_expires_on",
    "image",
]
OCOP = {
    "ocop_stars": "4",
    "ocop_certificate_no": "OCOP-DL-2025-0042",
    "ocop_issuer": "UBND tỉnh Đắk Lắk",
    "ocop_issued_on": "2025-03-01",
    "ocop_expires_on": "2028-03-01",
}


def fish_sauce(**changes) -> dict:
    return {
        "sku": "NM-01",
        "name_vi": "Nước mắm Phú Quốc",
        "name_en": "Phu Quoc fish sauce",
        "description_vi": "Nước mắm truyền thống 40 độ đạm.",
        "description_en": "Traditional fish sauce.",
        "category": "thit-hai-san",
        "price_vnd": "150000",
        "stock": "12",
        "unit": "chai",
        "unit_en": "bottle",
        "weight_g": "500",
        **changes,
    }


def coffee(**changes) -> dict:
    return {
        "sku": "CF-01",
        "name_vi": "Cà phê Robusta Buôn Ma Thuột",
        "name_en": "Buon Ma Thuot Robusta coffee",
        "category": "ca-phe",
        "price_vnd": "220000",
        "stock": "30",
        "unit": "gói",
        **changes,
    }


def write_csv(folder: Path, rows: list[dict], header=HEADER, encoding="utf-8") -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path = folder / "products.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def import_file(runner, path: Path, slug: str, *options: str):
    return runner.invoke(args=["catalog", "import", str(path), "--shop", slug, *options])


def products() -> list[Product]:
    return list(db.session.scalars(sa.select(Product).order_by(Product.sku)))


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


@pytest.fixture
def shop():
    return ShopFactory(slug="htx-phu-quoc")


@pytest.fixture
def photo(tmp_path) -> str:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "nuoc-mam.jpg").write_bytes(image_bytes())
    return "images/nuoc-mam.jpg"


def test_import_creates_approved_products_with_images(app, runner, shop, tmp_path, photo):
    path = write_csv(tmp_path, [fish_sauce(image=photo), coffee()])

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, skipped 0" in result.output
    coffee_row, fish_row = products()
    assert fish_row.name_vi == "Nước mắm Phú Quốc"
    assert fish_row.name_en == "Phu Quoc fish sauce"
    assert fish_row.shop_id == shop.id
    assert fish_row.status == ProductStatus.APPROVED
    assert (fish_row.price_vnd, fish_row.stock, fish_row.weight_g) == (150000, 12, 500)
    assert fish_row.category.slug == "thit-hai-san"
    assert fish_row.slug == "nuoc-mam-phu-quoc"
    assert len(fish_row.images) == 1
    assert len(stored_files(app)) == 3  # the one image, in its three sizes
    assert coffee_row.images == []
    assert coffee_row.description_vi == ""
    assert coffee_row.weight_g is None


def test_import_accepts_a_utf8_bom_and_headers_without_optional_columns(runner, shop, tmp_path):
    header = ["sku", "name_en", "price_vnd", "stock"]
    rows = [{"sku": "HONEY-1", "name_en": "Wild honey", "price_vnd": "90000", "stock": "0"}]
    path = write_csv(tmp_path, rows, header=header, encoding="utf-8-sig")

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 0, result.output
    (honey,) = products()
    assert (honey.sku, honey.name_en, honey.name_vi, honey.stock) == (
        "HONEY-1",
        "Wild honey",
        "",
        0,
    )


def test_reimport_updates_by_sku(runner, shop, tmp_path):
    existing = ProductFactory(
        shop=shop,
        sku="NM-01",
        name_vi="Tên cũ",
        description_vi="Mô tả giữ nguyên.",
        unit_vi="chai",
        status=ProductStatus.PENDING,
    )
    header = ["sku", "name_vi", "price_vnd", "stock"]
    rows = [{"sku": "NM-01", "name_vi": "Nước mắm nhĩ", "price_vnd": "175000", "stock": "40"}]
    path = write_csv(tmp_path, rows, header=header)

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 0, result.output
    assert "created 0, updated 1, skipped 0" in result.output
    (product,) = products()
    assert product.id == existing.id
    assert (product.name_vi, product.price_vnd, product.stock) == ("Nước mắm nhĩ", 175000, 40)
    assert product.description_vi == "Mô tả giữ nguyên."  # column absent: left alone
    assert product.unit_vi == "chai"
    assert product.status == ProductStatus.APPROVED


def test_same_sku_in_another_shop_is_a_different_product(runner, shop, tmp_path):
    ProductFactory(sku="NM-01", name_vi="Của HTX khác", price_vnd=99000)

    result = import_file(runner, write_csv(tmp_path, [fish_sauce()]), shop.slug)

    assert result.exit_code == 0, result.output
    assert "created 1, updated 0" in result.output
    assert sorted(p.name_vi for p in products()) == ["Của HTX khác", "Nước mắm Phú Quốc"]


def test_image_on_reimport_replaces_the_old_images(app, runner, shop, tmp_path, photo):
    import_file(runner, write_csv(tmp_path, [fish_sauce(image=photo)]), shop.slug)
    (old_image,) = products()[0].images
    (tmp_path / "images" / "moi.png").write_bytes(image_bytes("PNG", color=(10, 200, 10)))

    result = import_file(
        runner, write_csv(tmp_path, [fish_sauce(image="images/moi.png")]), shop.slug
    )

    assert result.exit_code == 0, result.output
    (image,) = products()[0].images
    assert image.key != old_image.key
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProductImage)) == 1
    files = stored_files(app)
    assert len(files) == 3
    assert all(f.name.startswith(image.key) for f in files)


def test_reimport_without_image_keeps_the_images(runner, shop, tmp_path, photo):
    import_file(runner, write_csv(tmp_path, [fish_sauce(image=photo)]), shop.slug)

    result = import_file(runner, write_csv(tmp_path, [fish_sauce(stock="5")]), shop.slug)

    assert result.exit_code == 0, result.output
    (product,) = products()
    assert product.stock == 5
    assert len(product.images) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price_vnd": "150.000"}, "price_vnd must be a whole number greater than 0"),
        ({"price_vnd": "1e5"}, "price_vnd must be a whole number greater than 0"),
        ({"price_vnd": "-5"}, "price_vnd must be a whole number greater than 0"),
        ({"price_vnd": "abc"}, "price_vnd must be a whole number greater than 0"),
        ({"price_vnd": "0"}, "price_vnd must be a whole number greater than 0"),
        ({"price_vnd": ""}, "price_vnd must be a whole number greater than 0"),
        ({"stock": "-1"}, "stock must be a whole number, 0 or more"),
        ({"stock": "2.5"}, "stock must be a whole number, 0 or more"),
        ({"weight_g": "0"}, "weight_g must be a whole number greater than 0"),
        ({"category": "banh-mi-ngot"}, "unknown category “banh-mi-ngot”"),
        ({"name_vi": "", "name_en": ""}, "a name is needed in name_vi or name_en"),
        ({"sku": ""}, "sku is empty"),
        ({"sku": "NM 01/x"}, "sku “NM 01/x” may only hold letters A-Z, digits"),
        ({"image": "images/khong-co.jpg"}, "image file not found: images/khong-co.jpg"),
        (
            {"image": "notes.jpg"},
            "image notes.jpg: This file is not an image we can read.",
        ),
        (
            {"image": "../outside.jpg"},
            "image “../outside.jpg” must be a path inside the CSV file's folder",
        ),
        (
            {"ocop_stars": "4", "ocop_certificate_no": "OCOP-1"},
            "OCOP columns are all or none: ocop_issuer, ocop_issued_on, ocop_expires_on empty",
        ),
        ({**OCOP, "ocop_stars": "2"}, "ocop_stars must be 3, 4 or 5 (got “2”)"),
        ({**OCOP, "ocop_stars": "6"}, "ocop_stars must be 3, 4 or 5 (got “6”)"),
        (
            {**OCOP, "ocop_issued_on": "01/03/2025"},
            "ocop_issued_on must be a date written YYYY-MM-DD (got “01/03/2025”)",
        ),
        (
            {**OCOP, "ocop_expires_on": "2028-02-30"},
            "ocop_expires_on must be a date written YYYY-MM-DD (got “2028-02-30”)",
        ),
        (
            {**OCOP, "ocop_expires_on": "2024-03-01"},
            "ocop_expires_on (2024-03-01) must be after ocop_issued_on (2025-03-01)",
        ),
    ],
)
def test_bad_row_is_reported_with_its_line_and_nothing_is_written(
    app, runner, shop, tmp_path, photo, changes, message
):
    (tmp_path / "notes.jpg").write_text("không phải ảnh")
    (tmp_path.parent / "outside.jpg").write_bytes(image_bytes())
    path = write_csv(tmp_path, [coffee(image=photo), fish_sauce(**changes)])

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 1
    assert f"line 3: {message}" in result.output
    assert "line 2" not in result.output
    assert "1 bad row(s), nothing was imported" in result.output
    assert products() == []
    assert stored_files(app) == []


def test_every_bad_row_is_listed(runner, shop, tmp_path):
    rows = [fish_sauce(price_vnd="abc"), coffee(), coffee(sku="CF-02", stock="-3")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug)

    assert result.exit_code == 1
    assert "line 2: price_vnd" in result.output
    assert "line 4: stock" in result.output
    assert "2 bad row(s)" in result.output
    assert products() == []


def test_bad_row_leaves_existing_products_as_they_were(runner, shop, tmp_path):
    ProductFactory(shop=shop, sku="NM-01", price_vnd=100000, stock=3)
    rows = [fish_sauce(price_vnd="180000"), coffee(category="khong-co")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug)

    assert result.exit_code == 1
    db.session.expire_all()
    (product,) = products()
    assert (product.price_vnd, product.stock) == (100000, 3)


def test_duplicate_sku_in_file_is_reported_on_the_later_line(runner, shop, tmp_path):
    rows = [fish_sauce(), coffee(), fish_sauce(name_vi="Nước mắm khác")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug)

    assert result.exit_code == 1
    assert "line 4: sku NM-01 is already on line 2" in result.output
    assert products() == []


def test_row_with_the_wrong_number_of_values_is_reported(runner, shop, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("sku,name_vi,price_vnd,stock\nNM-01,Nước mắm, loại 1,150000,12\n")

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 1
    assert "line 2: the row has 5 values but the header has 4 columns" in result.output


def test_multiline_quoted_description_keeps_line_numbers_right(runner, shop, tmp_path):
    description = "Dòng một.\nDòng hai, có dấu phẩy.\nDòng ba."
    rows = [fish_sauce(description_vi=description), coffee(price_vnd="1e5")]
    path = write_csv(tmp_path, rows)

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 1
    assert "line 5: price_vnd" in result.output  # the first row spans lines 2 to 4

    result = import_file(runner, path, shop.slug, "--skip-bad")

    assert result.exit_code == 0, result.output
    (product,) = products()
    assert product.description_vi == description


def test_skip_bad_imports_the_good_rows(runner, shop, tmp_path, photo):
    rows = [fish_sauce(image=photo), coffee(stock="nhiều")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug, "--skip-bad")

    assert result.exit_code == 0, result.output
    assert "line 3: stock must be a whole number" in result.output
    assert "created 1, updated 0, skipped 1" in result.output
    (product,) = products()
    assert product.sku == "NM-01"
    assert len(product.images) == 1


def test_dry_run_writes_nothing(app, runner, shop, tmp_path, photo):
    ProductFactory(shop=shop, sku="CF-01", price_vnd=100000)
    rows = [fish_sauce(image=photo, **OCOP), coffee(price_vnd="250000")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "line 2: would create NM-01" in result.output
    assert "line 3: would update CF-01" in result.output
    assert "would create 1, update 1" in result.output
    db.session.expire_all()
    (product,) = products()
    assert product.price_vnd == 100000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OcopCertificate)) == 0
    assert stored_files(app) == []


def test_dry_run_checks_images_too(app, runner, shop, tmp_path):
    (tmp_path / "broken.jpg").write_text("plain text")
    rows = [fish_sauce(image="broken.jpg")]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug, "--dry-run")

    assert result.exit_code == 1
    assert "line 2: image broken.jpg: This file is not an image we can read." in result.output
    assert "the import would write nothing" in result.output
    assert stored_files(app) == []


def test_ocop_certificate_is_created_verified(runner, shop, tmp_path):
    result = import_file(runner, write_csv(tmp_path, [fish_sauce(**OCOP)]), shop.slug)

    assert result.exit_code == 0, result.output
    (certificate,) = db.session.scalars(sa.select(OcopCertificate))
    assert certificate.product.sku == "NM-01"
    assert certificate.certificate_no == "OCOP-DL-2025-0042"
    assert certificate.stars == 4
    assert certificate.issuer == "UBND tỉnh Đắk Lắk"
    assert (certificate.issued_on, certificate.expires_on) == (date(2025, 3, 1), date(2028, 3, 1))
    assert certificate.status == "verified"
    assert certificate.verified_at is not None
    assert certificate.verified_by_id is None


def test_expired_certificate_is_kept(runner, shop, tmp_path):
    expired = {**OCOP, "ocop_issued_on": "2019-06-01", "ocop_expires_on": "2022-06-01"}

    result = import_file(runner, write_csv(tmp_path, [fish_sauce(**expired)]), shop.slug)

    assert result.exit_code == 0, result.output
    (certificate,) = db.session.scalars(sa.select(OcopCertificate))
    assert certificate.expires_on == date(2022, 6, 1)
    assert not certificate.is_valid_on(date.today())


def test_reimport_with_the_same_certificate_updates_it(runner, shop, tmp_path):
    import_file(runner, write_csv(tmp_path, [fish_sauce(**OCOP)]), shop.slug)
    rerated = {**OCOP, "ocop_stars": "5", "ocop_issuer": "Bộ Nông nghiệp và Môi trường"}

    result = import_file(runner, write_csv(tmp_path, [fish_sauce(**rerated)]), shop.slug)

    assert result.exit_code == 0, result.output
    assert "updated 1" in result.output
    (certificate,) = db.session.scalars(sa.select(OcopCertificate))
    assert (certificate.stars, certificate.issuer) == (5, "Bộ Nông nghiệp và Môi trường")


def test_certificate_of_another_product_is_refused(runner, shop, tmp_path):
    import_file(runner, write_csv(tmp_path, [fish_sauce(**OCOP)]), shop.slug)

    result = import_file(runner, write_csv(tmp_path, [coffee(**OCOP)]), shop.slug)

    assert result.exit_code == 1
    assert (
        "line 2: OCOP certificate OCOP-DL-2025-0042 belongs to another product "
        "(htx-phu-quoc / NM-01)" in result.output
    )
    assert [p.sku for p in products()] == ["NM-01"]


def test_same_certificate_twice_in_a_file_is_refused(runner, shop, tmp_path):
    rows = [fish_sauce(**OCOP), coffee(**OCOP)]

    result = import_file(runner, write_csv(tmp_path, rows), shop.slug)

    assert result.exit_code == 1
    assert "line 3: OCOP certificate OCOP-DL-2025-0042 is already on line 2" in result.output


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_file_not_in_utf8_is_refused(runner, shop, tmp_path, encoding):
    path = write_csv(tmp_path, [coffee(name_vi="Cà phê", name_en="Café")], encoding=encoding)

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 1
    assert "not UTF-8: invalid byte 0x" in result.output
    assert "(line 2)" in result.output
    assert products() == []


def test_unknown_columns_are_named(runner, shop, tmp_path):
    header = ["sku", "name_vi", "gia", "price_vnd", "stock", "colour"]

    result = import_file(runner, write_csv(tmp_path, [fish_sauce()], header=header), shop.slug)

    assert result.exit_code == 1
    assert "line 1: unknown columns: gia, colour" in result.output
    assert products() == []


def test_missing_required_columns_are_named(runner, shop, tmp_path):
    header = ["sku", "description_vi", "stock"]

    result = import_file(runner, write_csv(tmp_path, [fish_sauce()], header=header), shop.slug)

    assert result.exit_code == 1
    assert "missing required columns: price_vnd, name_vi/name_en" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\xef\xbb\xbf\r\n", "The file is empty"),
        (b"sku,name_vi,price_vnd,stock\r\n", "No product rows"),
    ],
)
def test_empty_file_is_refused(runner, shop, tmp_path, content, message):
    path = tmp_path / "products.csv"
    path.write_bytes(content)

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 1
    assert message in result.output


def test_unknown_shop_is_named(runner, tmp_path):
    result = import_file(runner, write_csv(tmp_path, [fish_sauce()]), "htx-khong-co")

    assert result.exit_code == 1
    assert "unknown shop 'htx-khong-co'" in result.output
    assert products() == []


def test_no_progress_bar_when_output_is_not_a_terminal(runner, shop, tmp_path):
    result = import_file(runner, write_csv(tmp_path, [fish_sauce()]), shop.slug)

    assert result.output.strip() == "created 1, updated 0, skipped 0"


def test_image_path_written_with_windows_backslashes_is_found(runner, shop, tmp_path, photo):
    path = write_csv(tmp_path, [fish_sauce(image=photo.replace("/", "\\"))])

    result = import_file(runner, path, shop.slug)

    assert result.exit_code == 0, result.output
    assert len(products()[0].images) == 1
