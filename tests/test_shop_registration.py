"""Cooperative staff register their cooperative themselves; it opens once an admin checks it."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, PolicyAcceptance, Shop, ShopDocument, ShopStatus
from tests.admin_data import text_of
from tests.factories import ShopFactory, UserFactory, image_bytes, province, staff_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def registration(**overrides):
    data = {
        "name_vi": "HTX Mật ong Hoa Ban",
        "name_en": "Hoa Ban Honey Cooperative",
        "tax_code": "5500123456",
        "province_id": str(province("dak-lak").id),
        "commune": "Xã Ea Tu",
        "address": "Thôn 3",
        "phone": "0912 345 678",
        "legal_representative": "Lò Văn Pọm",
        "accept_rules": "y",
        "documents": [(io.BytesIO(PDF), "giay-phep.pdf")],
    }
    data.update(overrides)
    return data


@pytest.fixture
def member(auth):
    user = UserFactory(email="pom@example.com")
    auth.login("pom@example.com")
    return user


def register(client, **overrides):
    return client.post(
        "/en/manage/register", data=registration(**overrides), content_type="multipart/form-data"
    )


def test_staff_registration_creates_a_pending_shop_they_manage(client, member):
    response = register(client)
    assert response.status_code == 302
    shop = db.session.scalar(sa.select(Shop))
    assert shop.status == ShopStatus.PENDING and shop.verified_at is None
    assert shop.tax_code == "5500123456" and shop.legal_representative == "Lò Văn Pọm"
    assert shop.phone == "0912345678"
    db.session.refresh(member)
    assert member.role == "staff" and member.shops == [shop]
    assert [d.filename for d in shop.documents] == ["giay-phep.pdf"]
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert sorted(actions) == ["policy.accept", "shop.register"]
    acceptance = db.session.scalar(sa.select(PolicyAcceptance))
    assert acceptance.shop_id == shop.id and acceptance.way == "shop_registration"
    assert client.get(f"/en/s/{shop.slug}").status_code == 404
    page = text_of(client.get(f"/en/manage/{shop.slug}/products"))
    assert "Waiting for verification" in page


def test_staff_can_add_products_while_pending_but_they_wait(client, member):
    register(client)
    shop = db.session.scalar(sa.select(Shop))
    client.post(
        f"/en/manage/{shop.slug}/products/new",
        data={
            "sku": "MO-1",
            "name_vi": "Mật ong",
            "price_vnd": "100000",
            "stock": "3",
            "category_id": "0",
            "submit_review": "1",
        },
    )
    from app.models import Product, ProductStatus

    assert db.session.scalar(sa.select(Product.status)) == ProductStatus.PENDING


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tax_code": "12345"}, "10 digits"),
        ({"tax_code": ""}, "Enter the registration"),
        ({"legal_representative": ""}, "Name the legal representative"),
        ({"documents": []}, "Upload the registration certificate"),
        (
            {"documents": [(io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")]},
            "not a PDF or an image",
        ),
        ({"documents": [(io.BytesIO(b""), "empty.pdf")]}, "is empty"),
        ({"documents": [(io.BytesIO(PDF), "script.exe")]}, "PDF, JPEG or PNG"),
        ({"name_vi": "", "name_en": ""}, "Vietnamese or the English"),
    ],
)
def test_bad_registrations_are_refused_with_a_message_and_nothing_saved(
    client, member, overrides, message
):
    response = register(client, **overrides)
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(Shop.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ShopDocument.id))) == 0


def test_oversized_document_is_refused(app, client, member):
    app.config["MAX_DOCUMENT_BYTES"] = 1000
    response = register(client, documents=[(io.BytesIO(PDF + b"0" * 2000), "big.pdf")])
    assert response.status_code == 400
    assert "larger than" in text_of(response)


def test_documents_are_private_to_the_shop_staff_and_admins(app, client, member, auth):
    register(client, documents=[(io.BytesIO(image_bytes()), "scan.jpg")])
    shop = db.session.scalar(sa.select(Shop))
    document = shop.documents[0]
    url = f"/en/manage/{shop.slug}/documents/{document.id}"
    mine = client.get(url)
    assert mine.status_code == 200
    assert mine.headers["Content-Disposition"].startswith("attachment")
    assert mine.mimetype == "image/jpeg"

    other_shop = ShopFactory()
    staff_of(other_shop, email="other@example.com")
    for email, status in (("other@example.com", 403), ("buyer@example.com", 403)):
        if email == "buyer@example.com":
            UserFactory(email=email)
        auth.logout()
        auth.login(email)
        assert client.get(url).status_code == status
    auth.logout()
    assert client.get(url).status_code == 302  # to sign in
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    assert client.get(url).status_code == 200
    assert client.get(f"/en/manage/{shop.slug}/documents/999").status_code == 404
    # stored in the private document folder, not under the public uploads
    assert (Path(app.config["DOCUMENT_DIR"]) / document.key[:2] / document.key).exists()
    assert not any(p.name == document.key for p in Path(app.config["UPLOAD_DIR"]).rglob("*"))


def test_admin_sees_the_registration_with_its_documents(client, member, auth):
    register(client)
    shop = db.session.scalar(sa.select(Shop))
    auth.logout()
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    queue = text_of(client.get("/en/admin/shops"))
    assert "Hoa Ban Honey Cooperative" in queue
    page = text_of(client.get(f"/en/admin/shops/{shop.id}"))
    assert "giay-phep.pdf" in page and "Lò Văn Pọm" in page and "format valid" in page


def test_operator_created_shops_are_verified_at_once(runner):
    result = runner.invoke(
        args=["shops", "create", "htx-op", "--name", "HTX Op", "--province", "dak-lak"]
    )
    assert result.exit_code == 0, result.output
    shop = db.session.scalar(sa.select(Shop).where(Shop.slug == "htx-op"))
    assert shop.status == ShopStatus.ACTIVE and shop.is_verified


@pytest.mark.parametrize("role", ["admin", "organiser", "viewer"])
def test_other_roles_do_not_register_cooperatives(client, auth, role):
    UserFactory(email="someone@example.com", role=role)
    auth.login("someone@example.com")
    account = client.get("/en/account")
    assert account.status_code == 200
    assert "register your cooperative" not in account.get_data(as_text=True)
    assert client.get("/en/manage/register").status_code == 403
    assert register(client).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Shop.id))) == 0


def test_buyers_profile_offers_to_register_a_cooperative(client, member):
    assert "register your cooperative" in client.get("/en/account").get_data(as_text=True)


def test_registration_without_accepting_the_operating_rules_is_refused(client, member):
    response = register(client, accept_rules="")
    assert response.status_code == 400
    assert "Accept the operating rules to register." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Shop)) is None
