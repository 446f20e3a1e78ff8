"""Who sells: the seller block on product and shop pages, the API's shop object, and the
verification that records what was checked (Decree 52/2013 as amended, see docs/compliance.md)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Shop, ShopVerification
from tests.admin_data import text_of
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of


def seller_shop(**kwargs):
    values = {
        "slug": "htx-ea-tu",
        "name_vi": "HTX Cà phê Ea Tu",
        "name_en": "Ea Tu Coffee Co-op",
        "legal_name": "Hợp tác xã Nông nghiệp Ea Tu",
        "tax_code": "6001234567",
        "address": "Thôn 3",
        "commune": "Xã Ea Tu",
        "phone": "0912345678",
    }
    return ShopFactory(**{**values, **kwargs})


def test_product_page_shows_the_seller_block_with_tax_code(client):
    ProductFactory(shop=seller_shop(), slug="ca-phe")
    for lang, heading, verified in (
        ("en", "Seller information", "Verified on"),
        ("vi", "Thông tin người bán", "Xác minh ngày"),
    ):
        page = text_of(client.get(f"/{lang}/p/ca-phe"))
        assert heading in page and verified in page
        for fact in (
            "Hợp tác xã Nông nghiệp Ea Tu",
            "6001234567",
            "Thôn 3, Xã Ea Tu",
            "0912345678",
        ):
            assert fact in page


def test_shop_page_shows_the_seller_block(client):
    seller_shop()
    page = text_of(client.get("/en/s/htx-ea-tu"))
    assert "Seller information" in page and "6001234567" in page and "Cooperative" in page


def test_api_shop_object_carries_the_seller_facts(client):
    ProductFactory(shop=seller_shop(), slug="ca-phe")
    item = client.get("/api/v1/products?lang=en").get_json()["items"][0]
    shop = item["shop"]
    assert shop["legal_name"] == "Hợp tác xã Nông nghiệp Ea Tu"
    assert shop["tax_code"] == "6001234567"
    assert shop["address"].startswith("Thôn 3, Xã Ea Tu")
    assert shop["phone"] == "0912345678"
    assert len(shop["verified_on"]) == 10
    listed = client.get("/api/v1/shops?lang=en").get_json()["items"][0]
    assert listed["tax_code"] == "6001234567" and listed["verified_on"] == shop["verified_on"]


def profile_data(shop, **changes):
    data = {
        "name_vi": shop.name_vi,
        "name_en": shop.name_en,
        "legal_name": shop.legal_name,
        "seller_type": shop.seller_type,
        "legal_representative": shop.legal_representative,
        "tax_code": shop.tax_code,
        "province_id": str(shop.province_id),
        "commune": shop.commune,
        "address": shop.address,
        "phone": shop.phone,
    }
    data.update(changes)
    return data


def test_staff_changing_a_legal_fact_sends_the_shop_back_to_verification(client, auth):
    shop = seller_shop()
    ProductFactory(shop=shop, slug="ca-phe")
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    response = client.post(
        "/en/manage/htx-ea-tu/profile", data=profile_data(shop, address="Thôn 5")
    )
    assert response.status_code == 302
    db.session.expire_all()
    shop = db.session.get(Shop, shop.id)
    assert shop.verified_at is None and shop.legal_changed_at is not None
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(AuditEntry.action == "shop.legal_change")
    )
    # The shop stays open; its block says the new details are being checked.
    page = text_of(client.get("/en/p/ca-phe"))
    assert "Thôn 5" in page and "being checked again by Chợ HTX" in page
    assert client.get("/api/v1/products").get_json()["items"][0]["shop"]["verified_on"] is None


def test_staff_changing_only_the_description_keeps_the_verification(client, auth):
    shop = seller_shop()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    client.post(
        "/en/manage/htx-ea-tu/profile", data=profile_data(shop, description_en="Fine coffee.")
    )
    db.session.expire_all()
    assert db.session.get(Shop, shop.id).verified_at is not None


def test_admin_verification_records_what_was_checked_by_whom_and_when(client, auth):
    shop = seller_shop(verified_at=None, legal_changed_at=None, status="pending")
    admin = UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    refused = client.post(f"/en/admin/shops/{shop.id}/verify", data={"method": "tax_portal"})
    assert refused.status_code == 400 and "Tick what was checked" in text_of(refused)
    response = client.post(
        f"/en/admin/shops/{shop.id}/verify",
        data={"method": "tax_portal", "checks": ["name", "tax_code"], "notes": "MST ok"},
    )
    assert response.status_code == 302
    verification = db.session.scalar(sa.select(ShopVerification))
    assert verification.verified_by_id == admin.id and verification.check_list == [
        "name",
        "tax_code",
    ]
    assert verification.legal_snapshot["tax_code"] == "6001234567"
    db.session.expire_all()
    shop = db.session.get(Shop, shop.id)
    assert shop.status == "active" and shop.verified_at is not None
    page = text_of(client.get("/en/s/htx-ea-tu"))
    assert "tax code looked up with the tax authority" in page


def test_only_admins_verify_shops(client, auth):
    shop = seller_shop()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    response = client.post(
        f"/en/admin/shops/{shop.id}/verify", data={"method": "documents", "checks": ["name"]}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(ShopVerification)) is None


def test_footer_of_every_page_shows_the_operator_and_the_policies(client, app):
    ProductFactory(slug="ca-phe")
    for path in ("/en/", "/en/p/ca-phe", "/en/shops", "/en/login"):
        page = text_of(client.get(path))
        assert app.config["OPERATOR_LEGAL_NAME"] in page
        assert app.config["OPERATOR_TAX_CODE"] in page and app.config["OPERATOR_ADDRESS"] in page
        assert app.config["FLOOR_REGISTRATION_NO"] in page
        for title in ("Operating rules", "Privacy policy", "Returns policy", "Terms of use"):
            assert title in page
    html = client.get("/vi/").get_data(as_text=True)
    for kind in ("operating-rules", "privacy", "returns", "terms"):
        assert f'href="/vi/policies/{kind}"' in html


def test_owner_id_number_is_kept_private_and_checked(client, auth):
    shop = seller_shop()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    data = profile_data(shop, seller_type="household_business", owner_id_number="12345")
    refused = client.post("/en/manage/htx-ea-tu/profile", data=data)
    assert refused.status_code == 400 and "12 digits" in text_of(refused)
    data["owner_id_number"] = "066123456789"
    assert client.post("/en/manage/htx-ea-tu/profile", data=data).status_code == 302
    db.session.expire_all()
    shop = db.session.get(Shop, shop.id)
    assert shop.owner_id_number == "066123456789" and shop.seller_kind == "household"
    assert "066123456789" not in client.get("/en/s/htx-ea-tu").get_data(as_text=True)
    assert "066123456789" not in client.get("/api/v1/shops").get_data(as_text=True)
