import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Shop
from tests.factories import ShopFactory, image_bytes, province, staff_of


@pytest.fixture
def shop(auth):
    shop = ShopFactory(slug="htx-ea-tu")
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    return shop


def profile(**overrides):
    data = {
        "name_vi": "HTX Cà phê Ea Tu",
        "name_en": "Ea Tu Coffee Cooperative",
        "description_vi": "Cà phê Robusta trồng dưới tán sầu riêng.",
        "description_en": "Robusta grown under durian trees.",
        "tax_code": "6000123456",
        "province_id": str(province("dak-lak").id),
        "commune": "Phường Tân An",
        "address": "12 Nguyễn Tất Thành",
        "phone": "0912 345 678",
        "member_count": "45",
        "founded_year": "2012",
    }
    data.update(overrides)
    return data


def test_staff_edits_profile_with_logo(client, shop):
    data = profile(logo=(io.BytesIO(image_bytes("PNG")), "logo.png"))
    response = client.post(
        "/en/manage/htx-ea-tu/profile", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.name_en == "Ea Tu Coffee Cooperative"
    assert shop.phone == "0912345678" and shop.tax_code == "6000123456"
    assert shop.logo_key
    page = client.get("/en/s/htx-ea-tu").get_data(as_text=True)
    assert "Robusta grown under durian trees." in page
    assert f"/media/{shop.logo_key}-sm.webp" in page
    assert "Phường Tân An" in page


def test_branch_tax_code_is_accepted(client, shop):
    response = client.post("/en/manage/htx-ea-tu/profile", data=profile(tax_code="6000123456-001"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tax_code": "12345"}, "A tax code has 10 digits"),
        ({"tax_code": "6000123456-1"}, "A tax code has 10 digits"),
        ({"phone": "12345"}, "Enter +84 or 0 followed by 9 digits."),
        ({"phone": "+8491234567"}, "Enter +84 or 0 followed by 9 digits."),
        ({"founded_year": "1800"}, "Enter a number from 1900 to 20"),
        ({"member_count": "-3"}, "Enter a number from 0 to 1,000,000."),
        ({"name_vi": "", "name_en": ""}, "Fill in the Vietnamese or the English version."),
        ({"province_id": "9999"}, "Not a valid choice."),
    ],
)
def test_profile_rejects_bad_input_and_keeps_old_values(client, shop, overrides, message):
    old_name = shop.name_vi
    response = client.post("/en/manage/htx-ea-tu/profile", data=profile(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(shop)
    assert shop.name_vi == old_name and shop.tax_code is None


def test_profile_rejects_script_svg_logo(client, shop):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = client.post(
        "/en/manage/htx-ea-tu/profile",
        data=profile(logo=(io.BytesIO(svg), "logo.png")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "not an image we can read" in response.get_data(as_text=True)
    db.session.refresh(shop)
    assert shop.logo_key is None and shop.tax_code is None


def test_profile_text_is_escaped(client, shop):
    client.post(
        "/en/manage/htx-ea-tu/profile", data=profile(description_en="<script>alert(1)</script>")
    )
    page = client.get("/en/s/htx-ea-tu").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("province_arg", ["Đắk Lắk", "dak-lak", "Dak Lak"])
def test_cli_creates_active_shop_by_province_name_or_slug(runner, client, province_arg):
    result = runner.invoke(
        args=[
            "shops",
            "create",
            "htx-new",
            "--name",
            "HTX Mới",
            "--province",
            province_arg,
            "--tax-code",
            "6000999999",
        ]
    )
    assert result.exit_code == 0, result.output
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "htx-new"))
    assert shop.province.slug == "dak-lak" and shop.status == "active"
    assert client.get("/vi/s/htx-new").status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["htx-x", "--name", "X", "--province", "Atlantis"], "unknown province 'Atlantis'"),
        (["Bad Slug", "--name", "X", "--province", "ha-noi"], "only a-z, 0-9 and hyphens"),
        (["htx-x", "--name", "X", "--province", "ha-noi", "--tax-code", "123"], "10 digits"),
    ],
)
def test_cli_shop_create_rejects_bad_input(runner, args, message):
    result = runner.invoke(args=["shops", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(Shop.id))) == 0


def test_cli_refuses_duplicate_shop(runner):
    ShopFactory(slug="htx-dup")
    result = runner.invoke(args=["shops", "create", "htx-dup", "--name", "X", "--province", "hue"])
    assert result.exit_code != 0 and "already exists" in result.output


def test_reference_data_has_34_provinces_and_bilingual_categories(app):
    from app.models import Category, Province

    assert db.session.scalar(sa.select(sa.func.count(Province.id))) == 34
    for category in db.session.scalars(sa.select(Category)):
        assert category.name_vi and category.name_en and category.slug
