"""Traceability lots: staff record them, buyers open them from the QR code on the package."""

import io

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from app.extensions import db
from app.models import AuditEntry, Lot, Product
from tests.factories import ProductFactory, ShopFactory, province


def lot_form(product, **overrides):
    data = {
        "product_id": str(product.id),
        "code": "CF01-2026-10A",
        "produced_on": "2026-10-20",
        "province_id": str(province("dak-lak").id),
        "commune": "xã Ea Tu",
        "area_code": "VT-66-014",
        "inputs_vi": "Phân chuồng ủ hoai.",
        "inputs_en": "Composted manure.",
        "quantity": "1.200 gói 500 g",
        "is_current": "y",
        "certifications-0-scheme": "vietgap",
        "certifications-0-number": "VietGAP-TT-66-0412",
        "certifications-1-scheme": "",
        "certifications-1-number": "",
        "steps-0-performed_on": "2026-09-25",
        "steps-0-description_vi": "Hái chín bằng tay",
        "steps-0-description_en": "Hand-picked ripe cherries",
        "steps-1-performed_on": "2026-10-18",
        "steps-1-description_vi": "Rang mộc",
        "steps-1-description_en": "Plain roasting",
        "steps-2-performed_on": "",
        "steps-2-description_vi": "",
        "steps-2-description_en": "",
    }
    data.update(overrides)
    return data


def make_lot(product, code="CF01-2026-10A", **kwargs) -> Lot:
    from datetime import date

    lot = Lot(product=product, code=code, produced_on=date(2026, 10, 20), **kwargs)
    db.session.add(lot)
    db.session.commit()
    return lot


def lot_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Lot.id)))


def test_staff_create_lot_shown_on_bilingual_public_page_and_product_page(
    client, shop, product, staff
):
    response = client.post(f"/en/manage/{shop.slug}/lots/new", data=lot_form(product))
    assert response.status_code == 302
    lot = db.session.scalar(sa.select(Lot))
    assert [s.description_en for s in lot.steps] == ["Hand-picked ripe cherries", "Plain roasting"]
    assert [(c.scheme, c.number) for c in lot.certifications] == [("vietgap", "VietGAP-TT-66-0412")]
    assert db.session.scalar(sa.select(AuditEntry.action)) == "lot.create"
    client.post("/en/logout")

    english = client.get("/en/lot/CF01-2026-10A").get_data(as_text=True)
    for text in ("Lot CF01-2026-10A", "Robusta coffee", "xã Ea Tu", "Dak Lak", "VT-66-014"):
        assert text in english
    assert "Composted manure." in english and "Plain roasting" in english
    assert "VietGAP: VietGAP-TT-66-0412" in english
    vietnamese = client.get("/vi/lot/CF01-2026-10A").get_data(as_text=True)
    assert "Phân chuồng ủ hoai." in vietnamese and "Hái chín bằng tay" in vietnamese
    page = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert 'href="/en/lot/CF01-2026-10A"' in page


def test_lots_no_longer_on_sale_are_not_linked_from_the_product_page(client, product):
    make_lot(product, code="OLD-LOT", is_current=False)
    make_lot(product, code="NEW-LOT")
    page = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "/en/lot/NEW-LOT" in page and "/en/lot/OLD-LOT" not in page
    assert client.get("/en/lot/OLD-LOT").status_code == 200  # its packages are still around


def test_lot_of_a_hidden_product_still_opens_and_says_it_is_no_longer_sold(client, product):
    """QR labels are already on the packages: hiding the product must not break them."""
    make_lot(product)
    product.is_hidden = True
    db.session.commit()
    for url in ("/en/lot/CF01-2026-10A", "/trace/qr/CF01-2026-10A.svg"):
        assert client.get(url).status_code == 200
    page = client.get("/en/lot/CF01-2026-10A").get_data(as_text=True)
    assert "Lot CF01-2026-10A" in page
    assert "This product is no longer sold on Chợ HTX" in page
    assert f'href="/en/p/{product.slug}"' not in page  # the product page is a 404 now
    assert "Add to cart" not in page
    vietnamese = client.get("/vi/lot/CF01-2026-10A").get_data(as_text=True)
    assert "Sản phẩm này không còn được bán trên Chợ HTX" in vietnamese


def test_lot_of_a_product_sold_again_links_its_product_page(client, product):
    make_lot(product)
    page = client.get("/en/lot/CF01-2026-10A").get_data(as_text=True)
    assert f'href="/en/p/{product.slug}"' in page and "no longer sold" not in page


def test_gs1_link_of_a_hidden_product_still_resolves(client, product):
    product.gtin = "08934567890120"
    product.is_hidden = True
    make_lot(product)
    response = client.get("/01/08934567890120/10/CF01-2026-10A")
    assert response.status_code == 307 and response.location.endswith("/vi/lot/CF01-2026-10A")


def test_lot_of_a_draft_product_is_not_public(client, product):
    make_lot(product)
    product.status = "draft"
    db.session.commit()
    assert client.get("/en/lot/CF01-2026-10A").status_code == 404
    assert client.get("/trace/qr/CF01-2026-10A.svg").status_code == 404
    assert client.get("/en/lot/NO-SUCH-LOT").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"produced_on": "20/10/2026"}, "Write the date as YYYY-MM-DD"),
        ({"steps-1-performed_on": "2026-13-01"}, "Write the date as YYYY-MM-DD"),
        ({"steps-1-performed_on": ""}, "Enter the date of this step."),
        (
            {"steps-2-performed_on": "2026-10-19"},
            "Describe this step in Vietnamese or English.",
        ),
        ({"code": "lô 1/2"}, "A lot code uses letters, digits, dot, dash or underscore"),
        ({"certifications-1-scheme": "organic"}, "Enter the number of this certification."),
        ({"produced_on": ""}, "This field is required."),
    ],
)
def test_bad_lot_is_refused_with_a_clear_message(client, shop, product, staff, overrides, message):
    response = client.post(f"/en/manage/{shop.slug}/lots/new", data=lot_form(product, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert lot_count() == 0


def test_duplicate_lot_code_is_refused(client, shop, product, staff):
    make_lot(ProductFactory(shop=ShopFactory()), code="CF01-2026-10A")
    response = client.post(f"/en/manage/{shop.slug}/lots/new", data=lot_form(product))
    assert response.status_code == 400
    assert "Lot code CF01-2026-10A is already used" in response.get_data(as_text=True)
    assert lot_count() == 1


def test_staff_cannot_touch_another_shops_lot(client, shop, product, staff):
    other_shop = ShopFactory(slug="htx-khac")
    other_product = ProductFactory(shop=other_shop)
    theirs = make_lot(other_product, code="THEIRS-1")
    assert client.get("/en/manage/htx-khac/lots").status_code == 403
    assert client.get(f"/en/manage/htx-khac/lots/{theirs.id}/edit").status_code == 403
    assert client.get(f"/en/manage/{shop.slug}/lots/{theirs.id}/edit").status_code == 404
    assert client.get(f"/en/manage/{shop.slug}/lots/{theirs.id}/labels").status_code == 404
    edit = client.post(
        f"/en/manage/{shop.slug}/lots/{theirs.id}/edit", data=lot_form(product, code="MINE")
    )
    assert edit.status_code == 404
    own_form_other_product = client.post(
        f"/en/manage/{shop.slug}/lots/new", data=lot_form(other_product, code="SNEAKY")
    )
    assert own_form_other_product.status_code == 400
    db.session.refresh(theirs)
    assert theirs.code == "THEIRS-1" and lot_count() == 1


def test_staff_edit_lot_steps(client, shop, product, staff):
    client.post(f"/en/manage/{shop.slug}/lots/new", data=lot_form(product))
    lot = db.session.scalar(sa.select(Lot))
    page = client.get(f"/en/manage/{shop.slug}/lots/{lot.id}/edit").get_data(as_text=True)
    assert 'value="Plain roasting"' in page and 'name="steps-4-description_vi"' in page
    response = client.post(
        f"/en/manage/{shop.slug}/lots/{lot.id}/edit",
        data=lot_form(
            product,
            **{
                "steps-2-performed_on": "2026-10-20",
                "steps-2-description_vi": "Đóng gói",
                "steps-2-description_en": "Packed",
                "is_current": "",
            },
        ),
    )
    assert response.status_code == 302
    db.session.refresh(lot)
    assert [s.description_en for s in lot.steps][-1] == "Packed"
    assert lot.is_current is False


def decode(png: bytes) -> str:
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def test_qr_code_without_gtin_opens_the_lot_page(client, product):
    make_lot(product)
    png = client.get("/trace/qr/CF01-2026-10A.png")
    assert png.mimetype == "image/png"
    assert decode(png.data) == "http://localhost/vi/lot/CF01-2026-10A"
    svg = client.get("/trace/qr/CF01-2026-10A.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_qr_code_with_gtin_is_a_gs1_digital_link_that_resolves_to_the_lot_page(client, product):
    product.gtin = "08934567890120"
    make_lot(product)
    url = decode(client.get("/trace/qr/CF01-2026-10A.png").data)
    assert url == "http://localhost/01/08934567890120/10/CF01-2026-10A"
    english = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.status_code == 307 and english.location.endswith("/en/lot/CF01-2026-10A")
    default = client.get("/01/8934567890120/10/CF01-2026-10A")  # GTIN-13 form
    assert default.location.endswith("/vi/lot/CF01-2026-10A")
    assert client.get("/01/08934567890120/10/NO-LOT").status_code == 404
    assert client.get("/01/12ab/10/CF01-2026-10A").status_code == 404
    assert client.get("/01/0000000000000/10/CF01-2026-10A").status_code == 404


def test_printable_label_sheet(client, shop, product, staff):
    lot = make_lot(product)
    page = client.get(f"/en/manage/{shop.slug}/lots/{lot.id}/labels?count=6")
    html = page.get_data(as_text=True)
    assert html.count('src="/trace/qr/CF01-2026-10A.svg"') == 6
    assert "http://localhost/vi/lot/CF01-2026-10A" in html
    capped = client.get(f"/en/manage/{shop.slug}/lots/{lot.id}/labels?count=5000")
    assert capped.get_data(as_text=True).count('class="label"') == 96


@pytest.mark.parametrize(
    ("gtin", "accepted"), [("8934567890120", True), ("8934567890128", False), ("12ab", False)]
)
def test_product_form_checks_the_gtin(client, shop, product, staff, gtin, accepted):
    data = {
        "sku": "CF-01",
        "name_vi": "Cà phê Robusta",
        "category_id": "0",
        "price_vnd": "150000",
        "stock": "12",
        "gtin": gtin,
        "submit_review": "1",
    }
    response = client.post(f"/en/manage/{shop.slug}/products/{product.id}/edit", data=data)
    db.session.refresh(product)
    if accepted:
        assert response.status_code == 302 and product.gtin == "0" + gtin  # kept as GTIN-14
    else:
        assert response.status_code == 400
        assert "This is not a valid GTIN" in response.get_data(as_text=True)
        assert product.gtin is None


def test_two_products_cannot_share_a_gtin(client, shop, product, staff):
    ProductFactory(shop=shop, gtin="08934567890120")
    data = {
        "sku": "CF-01",
        "name_vi": "Cà phê",
        "category_id": "0",
        "price_vnd": "150000",
        "stock": "1",
        "gtin": "8934567890120",
    }
    response = client.post(f"/en/manage/{shop.slug}/products/{product.id}/edit", data=data)
    assert response.status_code == 400
    assert "already has GTIN 08934567890120" in response.get_data(as_text=True)
    assert db.session.get(Product, product.id).gtin is None
