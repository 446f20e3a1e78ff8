"""Personal data: consent at registration, withdrawal, a copy of the data, erasure that keeps
anonymised orders and the ledger, logged requests with deadlines, the incident register and
private sensitive documents (docs/compliance.md)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    AuditEntry,
    Consent,
    DataIncident,
    DataRequest,
    LedgerTransaction,
    OcopCertificate,
    Order,
    PolicyVersion,
    Review,
    ShopDocument,
    User,
)
from app.payouts import ledger
from app.unit_of_work import transaction
from tests.admin_data import shop_order, text_of
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(NOW):
        yield


def register(client, **extra):
    data = {"name": "Lan Nguyễn", "email": "lan@example.com", "password": "rice-field-9"}
    return client.post("/en/register", data={**data, **extra})


def test_register_form_has_unticked_consent_boxes(client):
    html = client.get("/en/register").get_data(as_text=True)
    for name in ("accept_privacy", "accept_marketing"):
        tag = html[html.index(f'name="{name}"') - 80 : html.index(f'name="{name}"') + 80]
        assert 'type="checkbox"' in tag and "checked" not in tag


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Agree to the privacy policy to create an account."),
        ("vi", "Hãy đồng ý với chính sách bảo mật để tạo tài khoản."),
    ],
)
def test_registration_without_privacy_consent_is_refused(client, lang, message):
    response = client.post(
        f"/{lang}/register",
        data={"name": "Lan", "email": "lan@example.com", "password": "rice-field-9"},
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_registration_stores_each_consent_with_version_time_and_way(client):
    assert register(client, accept_privacy="y", accept_marketing="y").status_code == 302
    rows = db.session.scalars(sa.select(Consent).order_by(Consent.purpose)).all()
    privacy = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.kind == "privacy"))
    assert [(c.purpose, c.way) for c in rows] == [
        ("marketing", "registration_form"),
        ("privacy", "registration_form"),
    ]
    assert all(c.policy_version_id == privacy.id and c.given_at == NOW for c in rows)


def test_marketing_consent_is_optional_and_can_be_withdrawn_from_the_account_page(client):
    register(client, accept_privacy="y", accept_marketing="y")
    assert "Withdraw my consent" in text_of(client.get("/en/account"))
    later = NOW + timedelta(days=3)
    with clock.frozen_at(later):
        response = client.post(
            "/en/account/consents", data={"purpose": "marketing", "action": "withdraw"}
        )
    assert response.status_code == 302
    marketing = db.session.scalar(sa.select(Consent).where(Consent.purpose == "marketing"))
    assert marketing.withdrawn_at == later and marketing.withdrawn_way == "account_page"
    assert "You do not receive news and offers." in text_of(client.get("/en/account"))
    refused = client.post("/en/account/consents", data={"purpose": "privacy", "action": "withdraw"})
    assert refused.status_code == 400


@pytest.fixture
def buyer_with_order(client):
    register(client, accept_privacy="y")
    buyer = db.session.scalar(sa.select(User).where(User.email == "lan@example.com"))
    shop = ShopFactory(slug="htx-ea-tu")
    product = ProductFactory(shop=shop, slug="ca-phe")
    part = shop_order(buyer, product, qty=2)
    with transaction():
        ledger.post_sale(part)
    db.session.add(Review(product_id=product.id, user_id=buyer.id, rating=5, body="Ngon lắm"))
    db.session.commit()
    return buyer, part


def test_export_is_a_json_download_with_orders_addresses_reviews_and_consents(
    client, buyer_with_order
):
    buyer, part = buyer_with_order
    response = client.post("/en/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    for key in ("account", "addresses", "orders", "reviews", "consents"):
        assert key in data
    assert data["account"]["email"] == "lan@example.com"
    assert data["orders"][0]["number"] == part.order.number
    assert data["orders"][0]["shops"][0]["lines"][0]["qty"] == 2
    assert data["addresses"][0]["address"] == "1 Lê Lợi"
    assert data["reviews"][0]["text"] == "Ngon lắm"
    assert data["consents"][0]["purpose"] == "privacy"
    logged = db.session.scalar(sa.select(DataRequest))
    assert logged.kind == "export" and logged.due_at == NOW + timedelta(hours=72)
    assert logged.completed_at == NOW


def test_export_needs_sign_in(client):
    assert client.post("/en/account/export").status_code == 302


def test_deleted_account_cannot_sign_in_and_orders_stay_anonymised(client, auth, buyer_with_order):
    buyer, part = buyer_with_order
    wrong = client.post("/en/account/delete", data={"password": "not-it"})
    assert wrong.status_code == 400 and "The password is wrong." in text_of(wrong)
    response = client.post("/en/account/delete", data={"password": "rice-field-9"})
    assert response.status_code == 302
    assert auth.login("lan@example.com", "rice-field-9", lang="en").status_code == 401
    db.session.expire_all()
    order = db.session.get(Order, part.order_id)
    assert (order.contact_name, order.phone, order.address) == ("—", "", "")
    assert "lan@example.com" not in order.email
    user = db.session.get(User, buyer.id)
    assert user.erased_at == NOW and user.email.endswith("@deleted.invalid")
    assert db.session.scalar(sa.select(Review.body)) == ""
    # The ledger keeps the sale; the cooperative still sees the order, anonymised.
    assert db.session.scalar(
        sa.select(LedgerTransaction).where(LedgerTransaction.key == f"sale:{part.id}")
    )
    staff_of(part.shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    page = text_of(client.get(f"/en/manage/htx-ea-tu/orders/{part.number}"))
    assert part.number in page and "anonymised" in page and "Lan Nguyễn" not in page
    assert "1 Lê Lợi" not in page
    logged = db.session.scalar(sa.select(DataRequest).where(DataRequest.kind == "delete"))
    assert logged.completed_at == NOW


def test_deletion_waits_for_orders_on_their_way(client, buyer_with_order):
    buyer, part = buyer_with_order
    shop_order(buyer, ProductFactory(shop=part.shop), status="shipped")
    response = client.post("/en/account/delete", data={"password": "rice-field-9"})
    assert response.status_code == 400 and "still on its way" in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, buyer.id).erased_at is None


def test_other_requests_are_logged_with_a_deadline_and_admins_close_them(client, auth):
    register(client, accept_privacy="y")
    response = client.post("/en/account/data-requests", data={"details": "Sửa tên trên đơn"})
    assert response.status_code == 302
    empty = client.post("/en/account/data-requests", data={"details": ""})
    assert empty.status_code == 400
    request = db.session.scalar(sa.select(DataRequest))
    assert request.is_open and request.due_at == NOW + timedelta(hours=72)
    auth.logout()
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    with clock.frozen_at(NOW + timedelta(hours=80)):
        page = text_of(client.get("/en/admin/data-requests"))
    assert "Sửa tên trên đơn" in page and "overdue" in page
    refused = client.post(f"/en/admin/data-requests/{request.id}/complete", data={"outcome": ""})
    assert refused.status_code == 400
    client.post(f"/en/admin/data-requests/{request.id}/complete", data={"outcome": "Đã sửa"})
    db.session.expire_all()
    assert not db.session.get(DataRequest, request.id).is_open


def test_incident_register_sets_the_notification_deadline(client, auth):
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    response = client.post(
        "/en/admin/data-incidents",
        data={
            "title": "Lộ bảng đơn hàng",
            "detected_at": "2026-12-02T08:30",
            "affected_count": "12",
        },
    )
    assert response.status_code == 302
    incident = db.session.scalar(sa.select(DataIncident))
    assert incident.detected_at == datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
    assert incident.notify_by == incident.detected_at + timedelta(hours=72)
    future = client.post(
        "/en/admin/data-incidents", data={"title": "x", "detected_at": "2026-12-09T08:30"}
    )
    assert future.status_code == 400
    client.post(f"/en/admin/data-incidents/{incident.id}/notified")
    db.session.expire_all()
    assert db.session.get(DataIncident, incident.id).notified_at == NOW


def test_only_admins_see_requests_and_incidents(client, auth):
    UserFactory(email="buyer@example.com")
    auth.login("buyer@example.com", lang="en")
    assert client.get("/en/admin/data-requests").status_code == 403
    assert client.get("/en/admin/data-incidents").status_code == 403


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_registration_documents_are_readable_only_by_owners_and_admins(client, auth, app):
    from app.shops.services import document_storage

    shop = ShopFactory(slug="htx-ea-tu")
    staff_of(shop, email="staff@example.com")
    staff_of(ShopFactory(slug="htx-khac"), email="other@example.com")
    UserFactory(email="admin@example.com", role="admin")
    document = ShopDocument(
        shop_id=shop.id,
        key="k" * 32,
        filename="giay-phep.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
    )
    db.session.add(document)
    db.session.commit()
    document_storage().save(document.key, PDF)
    url = f"/en/manage/htx-ea-tu/documents/{document.id}"
    assert client.get(url).status_code == 302  # sign in first
    auth.login("other@example.com", lang="en")
    assert client.get(url).status_code == 403
    for email in ("staff@example.com", "admin@example.com"):
        auth.logout()
        auth.login(email, lang="en")
        response = client.get(url)
        assert response.status_code == 200 and response.data == PDF
        assert "no-store" in response.headers["Cache-Control"]


def test_purge_removes_scans_no_longer_needed(app, runner):
    from app.ocop.services import scan_storage, store_scan
    from app.shops.services import document_storage

    old = ShopFactory(slug="htx-cu", verified_at=NOW - timedelta(days=400))
    recent = ShopFactory(slug="htx-moi", verified_at=NOW - timedelta(days=10))
    for shop, key in ((old, "a" * 32), (recent, "b" * 32)):
        db.session.add(
            ShopDocument(
                shop_id=shop.id,
                key=key,
                filename="x.pdf",
                content_type="application/pdf",
                size_bytes=3,
            )
        )
        document_storage().save(key, PDF)
    product = ProductFactory(shop=recent)
    expired_key, valid_key = store_scan(PDF), store_scan(PDF)
    for key, expires in ((expired_key, date(2025, 6, 1)), (valid_key, date(2028, 1, 1))):
        db.session.add(
            OcopCertificate(
                product_id=product.id,
                stars=4,
                certificate_no=key[:10],
                issuer="UBND",
                issued_on=date(2023, 1, 1),
                expires_on=expires,
                status="verified",
                scan_key=key,
            )
        )
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge-documents"])
    assert result.exit_code == 0, result.output
    assert "1 registration documents and 1 OCOP scans removed" in result.output
    db.session.expire_all()
    assert [d.shop_id for d in db.session.scalars(sa.select(ShopDocument))] == [recent.id]
    assert not document_storage().path("a" * 32).exists()
    assert document_storage().path("b" * 32).exists()
    assert not scan_storage().path(expired_key).exists() and scan_storage().path(valid_key).exists()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                AuditEntry.action == "privacy.document_purged"
            )
        )
        == 1
    )
