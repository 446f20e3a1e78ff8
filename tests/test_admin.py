"""The admin area: who may enter, verification, moderation, reports, users, the audit log."""

import csv
import io
import re

import pytest
import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import (
    AuditEntry,
    Product,
    ProductStatus,
    Report,
    ReportStatus,
    Shop,
    ShopStatus,
)
from tests.admin_data import product_input, text_of
from tests.factories import ProductFactory, ShopFactory, UserFactory, province, staff_of
from tests.shopping import bank_account, placed_order  # noqa: F401 (a fixture)

ADMIN_GETS = [
    "/en/admin/",
    "/en/admin/shops",
    "/en/admin/shops/1",
    "/en/admin/products",
    "/en/admin/reports",
    "/en/admin/reviews",
    "/en/admin/users",
    "/en/admin/audit",
    "/en/admin/audit.csv",
]
ADMIN_POSTS = [
    "/en/admin/shops/1",
    "/en/admin/shops/1/verify",
    "/en/admin/products",
    "/en/admin/reports/1",
    "/en/admin/reviews/1",
    "/en/admin/users/1/role",
    "/en/admin/users/1/active",
]
STATS = ["/en/admin/stats", "/en/admin/stats.csv"]


def stranger(client):
    """A visitor who is not signed in (the admin signed in here sees a preview instead)."""
    return client.application.test_client()


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def search_ids(query: str = "") -> list[int]:
    return search.search(query or None, "vi").ids


@pytest.fixture
def admin(auth):
    user = UserFactory(email="admin@example.com", role="admin", name="Admin")
    auth.login("admin@example.com")
    return user


@pytest.fixture
def shop():
    return ShopFactory(slug="htx-ea-tu", name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee")


@pytest.fixture
def coffee(shop):
    return ProductFactory(shop=shop, name_vi="Cà phê Robusta", name_en="Robusta coffee")


# --- who may enter ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["buyer", "staff", "organiser", "viewer"])
def test_every_admin_route_refuses_other_roles(client, auth, role):
    ShopFactory()
    UserFactory(email="someone@example.com", role=role)
    auth.login("someone@example.com")
    for url in ADMIN_GETS:
        assert client.get(url).status_code == 403, url
    for url in ADMIN_POSTS:
        assert client.post(url, data={"action": "approve"}).status_code == 403, url


def test_the_route_lists_above_cover_every_admin_route(app):
    listed = {u.removeprefix("/en") for u in ADMIN_GETS + ADMIN_POSTS + STATS}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.rule.removeprefix("/<lang_code>")
            path = path.replace("<int:shop_id>", "1").replace("<int:report_id>", "1")
            path = path.replace("<int:review_id>", "1").replace("<int:user_id>", "1")
            assert path in listed, rule.rule


@pytest.mark.parametrize("role", ["buyer", "staff", "organiser"])
def test_statistics_refuse_roles_other_than_admin_and_viewer(client, auth, role):
    UserFactory(email="someone@example.com", role=role)
    auth.login("someone@example.com")
    for url in STATS:
        assert client.get(url).status_code == 403, url


def test_viewer_reads_statistics_only(client, auth):
    UserFactory(email="viewer@example.com", role="viewer")
    auth.login("viewer@example.com")
    assert client.get("/en/admin/stats").status_code == 200
    assert client.get("/en/admin/stats.csv").status_code == 200
    assert client.get("/en/admin/").status_code == 403


def test_strangers_are_sent_to_sign_in(client):
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_dashboard_links_to_every_queue(client, admin):
    html = client.get("/en/admin/").get_data(as_text=True)
    for endpoint in ("shops", "products", "reports", "reviews", "users", "audit", "stats"):
        assert f'href="/en/admin/{endpoint}' in html


def test_every_dashboard_card_shows_its_count(client, admin, auth, bank_account):  # noqa: F811
    auth.login(UserFactory(email="lan@example.com").email)
    placed_order(client, [(ProductFactory(), 1)], "bank_transfer")
    auth.login("admin@example.com")
    html = client.get("/en/admin/").get_data(as_text=True)
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    assert len(cards) == 10
    counts = dict(
        re.search(r'<a href="([^"]+)">.*?<p class="count">(\d+)</p>', card, re.S).groups()
        for card in cards[:9]
    )
    assert counts["/en/manage/transfers"] == "1"
    assert counts["/en/admin/users"] == "2"  # the admin and the buyer
    assert counts["/en/admin/ocop"] == "0" and counts["/en/admin/payouts"] == "0"


ADMIN_PAGES = [
    *[path for path in ADMIN_GETS if not path.endswith(".csv") and path != "/en/admin/shops/1"],
    "/en/admin/ocop",
    "/en/admin/payouts",
    "/en/manage/transfers",
    "/en/admin/stats",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_every_admin_page_has_the_admin_menu(client, admin, path):
    html = client.get(path).get_data(as_text=True)
    menu = html[html.index('<nav class="manage-nav admin-nav"') :]
    menu = menu[: menu.index("</nav>")]
    assert 'href="/en/admin/ocop"' in menu and 'href="/en/manage/transfers"' in menu


# --- cooperative verification -----------------------------------------------------------


def pending_shop(**kwargs) -> Shop:
    defaults = dict(
        slug="htx-moi",
        name_vi="HTX Mới",
        status=ShopStatus.PENDING,
        verified_at=None,
        tax_code="6000123456",
    )
    return ShopFactory(**{**defaults, **kwargs})


def test_admin_approves_a_pending_shop_which_opens_with_audit_and_email(client, admin, outbox):
    shop = pending_shop()
    staff_of(shop, email="staff@example.com")
    product = ProductFactory(shop=shop, name_vi="Mật ong rừng")
    assert client.get("/en/s/htx-moi").status_code == 404
    assert product.id not in search_ids()

    response = client.post(f"/en/admin/shops/{shop.id}", data={"action": "approve"})
    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.status == ShopStatus.ACTIVE and shop.verified_at is not None
    assert client.get("/en/s/htx-moi").status_code == 200
    assert client.get(f"/en/p/{product.slug}").status_code == 200
    assert client.get("/api/v1/shops/htx-moi").status_code == 200
    assert product.id in search_ids()
    (entry,) = audit("shop.approve")
    assert entry.actor_id == admin.id and entry.target_id == shop.id
    assert outbox()[-1]["To"] == "staff@example.com"


def test_admin_rejects_a_registration_with_a_reason_the_staff_read(client, admin, auth, outbox):
    shop = pending_shop()
    staff_of(shop, email="staff@example.com")
    response = client.post(
        f"/en/admin/shops/{shop.id}", data={"action": "reject", "reason": "Giấy phép đã hết hạn"}
    )
    assert response.status_code == 302
    db.session.refresh(shop)
    assert shop.status == ShopStatus.REJECTED
    assert audit("shop.reject")[0].reason == "Giấy phép đã hết hạn"
    assert "Giấy phép đã hết hạn" in outbox()[-1].get_content()
    auth.logout()
    auth.login("staff@example.com")
    assert "Giấy phép đã hết hạn" in text_of(client.get("/en/manage/htx-moi/products"))


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give a reason"),
        ("x" * 1001, "too long (at most 1,000 characters)"),
        ("   ", "Give a reason"),
    ],
)
def test_reject_and_suspend_need_a_reasonable_reason(client, admin, reason, message):
    shop = pending_shop()
    response = client.post(
        f"/en/admin/shops/{shop.id}", data={"action": "reject", "reason": reason}
    )
    assert response.status_code == 400
    assert message in text_of(response)
    db.session.refresh(shop)
    assert shop.status == ShopStatus.PENDING
    assert audit("shop.reject") == []


def test_forged_shop_id_and_unknown_action_are_refused_cleanly(client, admin):
    assert client.get("/en/admin/shops/999").status_code == 404
    assert client.post("/en/admin/shops/999", data={"action": "approve"}).status_code == 404
    shop = pending_shop()
    response = client.post(f"/en/admin/shops/{shop.id}", data={"action": "explode"})
    assert response.status_code == 400
    assert "Unknown action" in text_of(response)


def test_suspension_hides_shop_everywhere_and_reinstatement_brings_it_back(
    client, admin, shop, coffee, outbox
):
    staff_of(shop, email="staff@example.com")
    assert coffee.id in search_ids()
    response = client.post(
        f"/en/admin/shops/{shop.id}", data={"action": "suspend", "reason": "Bán hàng giả"}
    )
    assert response.status_code == 302
    assert client.get(f"/en/s/{shop.slug}").status_code == 404
    assert stranger(client).get(f"/en/p/{coffee.slug}").status_code == 404
    assert coffee.id not in search_ids()
    assert client.get(f"/api/v1/products/{coffee.id}").status_code == 404
    assert client.get(f"/api/v1/shops/{shop.slug}").status_code == 404
    assert "Robusta" not in client.get("/api/v1/products").get_data(as_text=True)
    assert "Ea Tu" not in text_of(client.get("/en/shops"))
    assert "Bán hàng giả" in outbox()[-1].get_content()

    client.post(f"/en/admin/shops/{shop.id}", data={"action": "reinstate"})
    assert client.get(f"/en/p/{coffee.slug}").status_code == 200
    assert coffee.id in search_ids()
    assert client.get(f"/api/v1/products/{coffee.id}").status_code == 200
    assert [
        e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    ] == [
        "shop.suspend",
        "shop.reinstate",
    ]


def test_suspended_shop_staff_still_fulfil_open_orders(client, auth, shop, coffee):
    from tests.admin_data import shop_order

    buyer = UserFactory()
    part = shop_order(buyer, coffee, status="paid")
    staff_of(shop, email="staff@example.com")
    shop.status = ShopStatus.SUSPENDED
    db.session.commit()
    auth.login("staff@example.com")
    page = client.get(f"/en/manage/{shop.slug}/orders")
    assert page.status_code == 200
    assert part.number in page.get_data(as_text=True)


def test_duplicate_registration_codes_are_flagged(client, admin, shop):
    shop.tax_code = "6000123456"
    db.session.commit()
    twin = pending_shop(tax_code="6000123456-001")
    page = text_of(client.get(f"/en/admin/shops/{twin.id}"))
    assert "Possible duplicate" in page and "Ea Tu Coffee" in page
    assert "format valid" in page


# --- listing moderation -----------------------------------------------------------------


def pending_product(shop, **kwargs) -> Product:
    return ProductFactory(shop=shop, status=ProductStatus.PENDING, **kwargs)


def test_queue_lists_pending_listings_with_filters(client, admin, shop):
    other = ShopFactory(slug="htx-khac", province=province("an-giang"))
    pending_product(shop, name_vi="Cà phê chờ duyệt")
    pending_product(other, name_vi="Gạo chờ duyệt")
    ProductFactory(shop=shop, name_vi="Đã duyệt rồi")
    page = text_of(client.get("/en/admin/products"))
    assert "Cà phê chờ duyệt" in page and "Gạo chờ duyệt" in page
    assert "Đã duyệt rồi" not in page
    page = text_of(client.get("/en/admin/products?province=an-giang"))
    assert "Gạo chờ duyệt" in page and "Cà phê chờ duyệt" not in page
    page = text_of(client.get(f"/en/admin/products?shop={shop.slug}"))
    assert "Cà phê chờ duyệt" in page and "Gạo chờ duyệt" not in page
    assert "Nothing waits" in text_of(client.get("/en/admin/products?age=3"))


def test_bulk_approval_publishes_and_mails_staff(client, admin, shop, outbox):
    staff_of(shop, email="staff@example.com", locale="en")
    first = pending_product(shop, name_en="Green tea")
    second = pending_product(shop, name_en="Black tea")
    assert first.id not in search_ids()
    response = client.post(
        "/en/admin/products",
        data={"product_ids": [first.id, second.id], "action": "approve"},
    )
    assert response.status_code == 302
    for product in (first, second):
        db.session.refresh(product)
        assert product.status == ProductStatus.APPROVED
        assert client.get(f"/en/p/{product.slug}").status_code == 200
        assert client.get(f"/api/v1/products/{product.id}").status_code == 200
    assert {first.id, second.id} <= set(search_ids())
    assert len(audit("product.approve")) == 2
    subjects = [m["Subject"] for m in outbox()]
    assert "Your product Green tea is published" in subjects


def test_rejection_and_change_requests_reach_staff_with_their_reason(
    client, admin, auth, shop, outbox
):
    staff_of(shop, email="staff@example.com", locale="en")
    bad = pending_product(shop, name_en="Fake honey")
    unclear = pending_product(shop, name_en="Rice")
    client.post(
        "/en/admin/products",
        data={"product_ids": [bad.id], "action": "reject", "reason": "Not honey"},
    )
    client.post(
        "/en/admin/products",
        data={"product_ids": [unclear.id], "action": "changes", "reason": "Add the weight"},
    )
    db.session.refresh(bad)
    db.session.refresh(unclear)
    assert bad.status == ProductStatus.REJECTED and bad.moderation_reason == "Not honey"
    assert unclear.status == ProductStatus.CHANGES_REQUESTED
    assert audit("product.reject")[0].reason == "Not honey"
    assert audit("product.request_changes")[0].reason == "Add the weight"
    mails = {m["Subject"]: m.get_content() for m in outbox()}
    assert "Not honey" in mails["Your product Fake honey was not approved"]
    assert "Add the weight" in mails["Changes are needed to your product Rice"]
    auth.logout()
    auth.login("staff@example.com")
    listing = text_of(client.get(f"/en/manage/{shop.slug}/products"))
    assert "Not honey" in listing and "Changes requested" in listing
    assert stranger(client).get(f"/en/p/{bad.slug}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "reject", "reason": ""}, "Give a reason"),
        ({"action": "reject", "reason": "x" * 5000}, "too long"),
        ({"action": "approve", "forged": True}, "no longer exist"),
        ({"action": "approve", "none": True}, "Choose at least one product"),
    ],
)
def test_bad_moderation_input_changes_nothing(client, admin, shop, data, message):
    product = pending_product(shop)
    ids = [] if data.pop("none", False) else [product.id]
    if data.pop("forged", False):
        ids.append(99999)
    response = client.post("/en/admin/products", data={"product_ids": ids, **data})
    assert response.status_code == 400
    assert message in text_of(response)
    db.session.refresh(product)
    assert product.status == ProductStatus.PENDING
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_non_numeric_product_ids_are_a_clear_error(client, admin, shop):
    pending_product(shop)
    response = client.post("/en/admin/products", data={"product_ids": ["abc"], "action": "approve"})
    assert response.status_code == 400


# --- auto-approval policy ---------------------------------------------------------------


def submit_product(shop, sku="NEW-1"):
    from app.catalog import services as catalog

    return catalog.create_product(staff_of(shop), shop, product_input(sku), [], submit=True)


def test_policy_off_queues_everything(app, shop):
    app.config["AUTO_APPROVE_POLICY"] = "off"
    assert submit_product(shop).status == ProductStatus.PENDING


def test_policy_verified_publishes_verified_shops_only(app, shop):
    app.config["AUTO_APPROVE_POLICY"] = "verified"
    assert submit_product(shop).status == ProductStatus.APPROVED
    unverified = pending_shop()
    assert submit_product(unverified, sku="NEW-2").status == ProductStatus.PENDING


def test_policy_trusted_queues_shops_with_a_recent_refusal(app, shop):
    from app.models.base import utcnow

    app.config["AUTO_APPROVE_POLICY"] = "trusted"
    app.config["AUTO_APPROVE_RECENT_LISTINGS"] = 3
    assert submit_product(shop, "A").status == ProductStatus.APPROVED
    ProductFactory(shop=shop, status=ProductStatus.REJECTED, last_rejected_at=utcnow())
    assert submit_product(shop, "B").status == ProductStatus.PENDING
    for sku in ("C", "D", "E"):
        ProductFactory(shop=shop, sku=sku)  # three clean listings push the refusal out
    assert submit_product(shop, "F").status == ProductStatus.APPROVED


def test_a_refused_listing_edited_by_staff_waits_for_an_admin_again(app, shop):
    from app.catalog import services as catalog
    from app.models.base import utcnow

    product = ProductFactory(shop=shop, status=ProductStatus.REJECTED, last_rejected_at=utcnow())
    catalog.update_product(
        staff_of(shop), product, product_input(product.sku, "Đã sửa"), [], submit=True
    )
    assert product.status == ProductStatus.PENDING


# --- reports ----------------------------------------------------------------------------


def open_report(target_type: str, target_id: int, **kwargs) -> Report:
    report = Report(target_type=target_type, target_id=target_id, reason="counterfeit", **kwargs)
    db.session.add(report)
    db.session.commit()
    return report


def test_admin_hides_a_reported_product_and_every_open_report_on_it_closes(
    client, admin, shop, coffee, outbox
):
    staff_of(shop, email="staff@example.com")
    first = open_report("product", coffee.id)
    second = open_report("product", coffee.id)
    response = client.post(
        f"/en/admin/reports/{first.id}", data={"action": "act", "reason": "Hàng giả"}
    )
    assert response.status_code == 302
    db.session.refresh(coffee)
    assert coffee.status == ProductStatus.REJECTED and coffee.moderation_reason == "Hàng giả"
    assert stranger(client).get(f"/en/p/{coffee.slug}").status_code == 404
    assert coffee.id not in search_ids()
    assert client.get(f"/api/v1/products/{coffee.id}").status_code == 404
    for report in (first, second):
        db.session.refresh(report)
        assert report.status == ReportStatus.ACTIONED
    assert audit("product.hide")[0].reason == "Hàng giả"
    assert "Hàng giả" in outbox()[-1].get_content()


def test_admin_suspends_a_reported_shop(client, admin, shop, coffee):
    report = open_report("shop", shop.id)
    client.post(f"/en/admin/reports/{report.id}", data={"action": "act", "reason": "Lừa đảo"})
    db.session.refresh(shop)
    assert shop.status == ShopStatus.SUSPENDED and shop.status_reason == "Lừa đảo"
    assert coffee.id not in search_ids()


def test_dismissing_a_report_leaves_the_product_alone(client, admin, coffee):
    report = open_report("product", coffee.id)
    client.post(f"/en/admin/reports/{report.id}", data={"action": "dismiss", "reason": "Nhãn thật"})
    db.session.refresh(report)
    assert report.status == ReportStatus.DISMISSED
    assert client.get(f"/en/p/{coffee.slug}").status_code == 200
    assert len(audit("report.dismiss")) == 1
    again = client.post(
        f"/en/admin/reports/{report.id}",
        data={"action": "dismiss", "reason": "Nhãn thật"},
        follow_redirects=True,
    )
    assert "already handled" in text_of(again)


def test_acting_on_a_report_needs_a_reason(client, admin, coffee):
    report = open_report("product", coffee.id)
    page = client.post(
        f"/en/admin/reports/{report.id}", data={"action": "act"}, follow_redirects=True
    )
    assert "Give a reason" in text_of(page)
    db.session.refresh(report)
    db.session.refresh(coffee)
    assert report.status == ReportStatus.OPEN and coffee.status == ProductStatus.APPROVED


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Give a reason: the people concerned will read it."),
        ("vi", "Vui lòng nêu lý do: những người liên quan sẽ đọc được."),
    ],
)
def test_dismissing_a_report_needs_a_reason(client, admin, coffee, lang, message):
    report = open_report("product", coffee.id)
    page = client.post(
        f"/{lang}/admin/reports/{report.id}",
        data={"action": "dismiss", "reason": "  "},
        follow_redirects=True,
    )
    assert message in text_of(page)
    db.session.refresh(report)
    assert report.status == ReportStatus.OPEN and audit("report.dismiss") == []


def test_report_queue_shows_reason_and_text(client, admin, coffee):
    open_report("product", coffee.id, text="Nhãn giả")
    page = text_of(client.get("/en/admin/reports"))
    assert "Counterfeit" in page and "Nhãn giả" in page and "Robusta coffee" in page
    assert client.post("/en/admin/reports/424242", data={"action": "dismiss"}).status_code == 404


# --- users ------------------------------------------------------------------------------


def test_admin_searches_users_and_changes_a_role(client, admin):
    user = UserFactory(email="lan@example.com", name="Nguyễn Thị Lan")
    UserFactory(email="other@example.com")
    page = text_of(client.get("/en/admin/users?q=lan"))
    assert "lan@example.com" in page and "other@example.com" not in page
    client.post(
        f"/en/admin/users/{user.id}/role", data={"role": "viewer", "reason": "Báo cáo tỉnh"}
    )
    db.session.refresh(user)
    assert user.role == "viewer"
    (entry,) = audit("user.role")
    assert entry.details == {"old": "buyer", "new": "viewer"}
    assert entry.reason == "Báo cáo tỉnh"


@pytest.mark.parametrize("referer", ["https://evil.example/phish", "//evil.example/", None])
def test_role_change_goes_back_only_to_a_page_of_this_site(client, admin, referer):
    user = UserFactory()
    headers = {"Referer": referer} if referer else {}
    response = client.post(
        f"/en/admin/users/{user.id}/role",
        data={"role": "viewer", "reason": "Báo cáo tỉnh"},
        headers=headers,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/admin/users"


def test_unknown_role_is_refused(client, admin):
    user = UserFactory()
    client.post(f"/en/admin/users/{user.id}/role", data={"role": "emperor"})
    db.session.refresh(user)
    assert user.role == "buyer"


def test_a_role_change_needs_a_reason_in_the_pages_language(client, admin):
    user = UserFactory()
    html = client.get("/vi/admin/users").get_data(as_text=True)
    assert f'for="role-why-{user.id}"' in html
    page = client.post(
        f"/vi/admin/users/{user.id}/role", data={"role": "staff"}, follow_redirects=True
    )
    assert "Vui lòng nêu lý do: những người liên quan sẽ đọc được." in text_of(page)
    db.session.refresh(user)
    assert user.role == "buyer" and audit("user.role") == []


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, admin, auth, app):
    user = UserFactory(email="gone@example.com")
    client.post(f"/en/admin/users/{user.id}/active", data={"active": "0", "reason": "spam"})
    db.session.refresh(user)
    assert user.is_active_account is False
    assert audit("user.deactivate")[0].reason == "spam"
    other = app.test_client()
    other.post("/en/login", data={"email": "gone@example.com", "password": "password123"})
    assert other.get("/en/orders").status_code == 302  # still signed out


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(client, admin):
    page = client.post(
        f"/en/admin/users/{admin.id}/role", data={"role": "buyer"}, follow_redirects=True
    )
    assert "last admin" in text_of(page)
    page = client.post(
        f"/en/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "last admin" in text_of(page)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.is_active_account
    second = UserFactory(role="admin")
    client.post(f"/en/admin/users/{second.id}/role", data={"role": "buyer", "reason": "Nghỉ"})
    db.session.refresh(second)
    assert second.role == "buyer"


# --- audit log --------------------------------------------------------------------------


def test_audit_log_filters_and_its_csv_holds_the_same_entries(client, admin, shop):
    other = pending_shop()
    client.post(f"/en/admin/shops/{shop.id}", data={"action": "suspend", "reason": "Lý do A"})
    client.post(f"/en/admin/shops/{other.id}", data={"action": "approve"})
    page = text_of(client.get("/en/admin/audit?action=shop.suspend"))
    assert (
        "Lý do A" in page and "shop.approve" not in page.split("Action", 1)[1].split("Download")[1]
    )
    response = client.get("/en/admin/audit.csv?action=shop.suspend")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert [r[2] for r in rows[1:]] == ["shop.suspend"]
    assert rows[1][1] == "admin@example.com" and rows[1][6] == "Lý do A"
    everything = client.get("/en/admin/audit.csv").get_data(as_text=True)
    assert "shop.approve" in everything and "shop.suspend" in everything
    assert client.get("/en/admin/audit?since=nonsense").status_code == 200


def test_rejecting_a_published_listing_takes_it_off_pages_search_and_api(client, admin, coffee):
    assert coffee.id in search_ids()
    assert "Robusta coffee" in text_of(client.get("/en/admin/products?status=approved"))
    response = client.post(
        "/en/admin/products?status=approved",
        data={"product_ids": [coffee.id], "action": "reject", "reason": "Sai xuất xứ"},
    )
    assert response.status_code == 302
    assert stranger(client).get(f"/en/p/{coffee.slug}").status_code == 404
    assert coffee.id not in search_ids()
    assert client.get(f"/api/v1/products/{coffee.id}").status_code == 404
    assert audit("product.reject")[0].details == {"shop": "htx-ea-tu"}


def test_acting_on_a_review_report_hides_the_review(client, admin, coffee):
    from app.models import Review, ReviewStatus

    review = Review(product_id=coffee.id, user_id=UserFactory().id, rating=1, body="Đồ lừa đảo!!!")
    db.session.add(review)
    db.session.commit()
    report = open_report("review", review.id)
    client.post(f"/en/admin/reports/{report.id}", data={"action": "act", "reason": "Xúc phạm"})
    db.session.refresh(review)
    assert review.status == ReviewStatus.HIDDEN
    assert "Đồ lừa đảo" not in text_of(client.get(f"/en/p/{coffee.slug}"))
    assert audit("review.hide")[0].reason == "Xúc phạm"


@pytest.mark.parametrize("role", ["buyer", "staff", "organiser", "viewer"])
def test_admin_decisions_are_refused_by_the_services_themselves(app, role):
    """Routes check the role first; the services check again, whoever calls them."""
    from werkzeug.exceptions import Forbidden

    from app.admin import services
    from app.catalog import moderation
    from app.models import Review
    from app.reviews import services as reviews
    from app.shops import services as shops

    user = UserFactory(role=role)
    product = ProductFactory(status=ProductStatus.PENDING)
    shop = product.shop
    review = Review(product_id=product.id, user_id=UserFactory().id, rating=1, body="Tệ")
    db.session.add(review)
    db.session.commit()
    report = open_report("product", product.id)
    other = UserFactory()
    decisions = [
        lambda: moderation.decide(user, [product], "approve"),
        lambda: shops.decide_shop(user, shop, "suspend", "Hàng giả"),
        lambda: services.resolve_report(user, report, "dismiss"),
        lambda: reviews.set_status(user, review, True, "Spam"),
        lambda: services.change_role(user, other, "admin"),
        lambda: services.set_active(user, other, False),
    ]
    for decide in decisions:
        with pytest.raises(Forbidden):
            decide()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
    assert db.session.get(Product, product.id).status == ProductStatus.PENDING
    assert db.session.get(Shop, shop.id).status == ShopStatus.ACTIVE
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN
    assert db.session.get(Review, review.id).status == "visible"
    assert other.role == "buyer" and other.is_active_account
