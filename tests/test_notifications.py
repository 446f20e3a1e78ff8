"""Who is told what: each order, payment, payout and OCOP event gives its recipients a mail in
their language and a row in their notifications list; optional kinds can be turned off."""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, NotificationOptOut, ShopOrder
from app.models.base import utcnow, vietnam_today
from app.notifications.services import notify
from app.orders import services as orders
from app.unit_of_work import transaction
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.shopping import bank_account, buyer, fake_stripe, placed_order  # noqa: F401
from tests.test_ocop import certificate


@pytest.fixture
def coop():
    """A coffee cooperative with two staff members, one reading Vietnamese, one English."""
    shop = ShopFactory(slug="htx-ea-tu", name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee Co-op")
    product = ProductFactory(
        shop=shop, name_vi="Cà phê Robusta", name_en="Robusta coffee", price_vnd=100_000
    )
    staff_of(shop, email="nhanvien@example.com", name="Trần Văn Nam", locale="vi")
    staff_of(shop, email="staff@example.com", name="Anna Smith", locale="en")
    buyer()
    return shop, product


def rows(kind: str | None = None) -> list[tuple[str, str]]:
    """(user email, kind) of every notification row, oldest first."""
    from app.models import User

    db.session.expire_all()
    query = sa.select(User.email, Notification.kind).join(User, User.id == Notification.user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return [tuple(r) for r in db.session.execute(query.order_by(Notification.id))]


def mails_to(outbox, email: str) -> list:
    return [m for m in outbox() if m["To"] == email]


def place(client, auth, product, method="cod", lang="vi", qty=2):
    auth.login("buyer@example.com", lang=lang)
    placed = placed_order(client, [(product, qty)], method, lang=lang)
    auth.logout(lang=lang)
    return placed


def staff_post(client, auth, shop_order, action, email="staff@example.com", **data):
    auth.login(email, lang="en")
    slug = db.session.get(ShopOrder, shop_order.id).shop.slug
    response = client.post(f"/en/manage/{slug}/orders/{shop_order.number}/{action}", data=data)
    auth.logout(lang="en")
    return response


# --- each event -------------------------------------------------------------------------------


def test_a_new_order_mails_every_staff_member_what_to_send_where_in_their_language(
    client, auth, coop, outbox
):
    shop, product = coop
    other = ProductFactory(shop=ShopFactory(name_en="Tea Co-op"), price_vnd=50_000)
    tea_staff = staff_of(other.shop, email="tea@example.com", locale="en")
    auth.login("buyer@example.com")
    placed = placed_order(client, [(product, 2), (other, 1)])
    coffee_part = next(s for s in placed.shop_orders if s.shop_id == shop.id)

    (english,) = mails_to(outbox, "staff@example.com")
    assert english["Subject"] == f"New order {coffee_part.number} for Ea Tu Coffee Co-op"
    text = english.get_content()
    assert "Hello Anna Smith," in text
    assert "2 × Robusta coffee: ₫200,000" in text
    assert "Nguyễn Thị Lan, 0912345678" in text and "12 Lê Lợi" in text
    assert "Cash on delivery: collect ₫230,000" in text
    assert f"/en/manage/htx-ea-tu/orders/{coffee_part.number}" in text
    assert "Tea" not in text  # only this cooperative's part

    (vietnamese,) = mails_to(outbox, "nhanvien@example.com")
    assert vietnamese["Subject"] == f"Đơn hàng mới {coffee_part.number} cho HTX Cà phê Ea Tu"
    assert "2 × Cà phê Robusta: 200.000\xa0₫" in vietnamese.get_content()
    assert f"/vi/manage/htx-ea-tu/orders/{coffee_part.number}" in vietnamese.get_content()
    assert len(mails_to(outbox, tea_staff.email)) == 1

    (confirmation,) = mails_to(outbox, "buyer@example.com")
    assert confirmation["Subject"] == f"Đơn hàng Chợ HTX {placed.number} của bạn"
    assert sorted(rows()) == sorted(
        [
            ("buyer@example.com", "order_placed"),
            ("nhanvien@example.com", "new_order"),
            ("staff@example.com", "new_order"),
            ("tea@example.com", "new_order"),
        ]
    )


def test_buyer_cancelling_tells_the_cooperatives_staff(client, auth, coop, outbox):
    _, product = coop
    placed = place(client, auth, product)
    part = placed.shop_orders[0]
    auth.login("buyer@example.com")
    response = client.post(f"/vi/orders/{placed.number}/cancel", data={"shop_order_id": part.id})
    assert response.status_code == 302
    (mail,) = [m for m in mails_to(outbox, "staff@example.com") if "cancelled" in m["Subject"]]
    assert mail["Subject"] == f"The buyer cancelled order {part.number}"
    assert "Do not pack or ship it" in mail.get_content()
    assert [r[0] for r in rows("order_cancelled_by_buyer")] == [
        "nhanvien@example.com",
        "staff@example.com",
    ]


def test_staff_cancelling_tells_the_buyer_in_the_language_of_the_order(client, auth, coop, outbox):
    _, product = coop
    placed = place(client, auth, product, lang="en")  # the account says vi; the order en
    part = placed.shop_orders[0]
    assert staff_post(client, auth, part, "cancel", reason="Out of beans").status_code == 302
    mail = mails_to(outbox, "buyer@example.com")[-1]
    assert mail["Subject"] == f"Ea Tu Coffee Co-op cancelled its part of order {placed.number}"
    assert "Reason: Out of beans" in mail.get_content()
    assert f"/en/orders/{placed.number}" in mail.get_content()
    assert rows("order_cancelled") == [("buyer@example.com", "order_cancelled")]


def test_an_unpaid_transfer_order_expiring_tells_the_buyer(
    client, auth, coop, bank_account, outbox
):
    _, product = coop
    placed = place(client, auth, product, "bank_transfer")
    with transaction():
        assert orders.expire_unpaid_orders(now=utcnow() + timedelta(days=3)) == 1
    mail = mails_to(outbox, "buyer@example.com")[-1]
    assert mail["Subject"] == f"Đơn hàng {placed.number} đã bị hủy: chưa thanh toán đúng hạn"
    assert rows("order_expired") == [("buyer@example.com", "order_expired")]


def test_shipped_delivered_and_refunded_are_mailed_to_the_buyer(client, auth, coop, outbox):
    _, product = coop
    placed = place(client, auth, product, lang="en")
    part = placed.shop_orders[0]
    staff_post(client, auth, part, "pack")
    staff_post(client, auth, part, "ship", carrier="Viettel Post", tracking_number="VT123")
    staff_post(client, auth, part, "deliver")
    refunded = staff_post(client, auth, part, "refund", refund_all="y", reason="Torn packaging")
    assert refunded.status_code == 302

    confirmation, shipped, delivered, refund = mails_to(outbox, "buyer@example.com")
    assert [shipped["Subject"], delivered["Subject"], refund["Subject"]] == [
        "Your parcel from Ea Tu Coffee Co-op is on its way",
        "Your parcel from Ea Tu Coffee Co-op is delivered",
        f"Ea Tu Coffee Co-op refunds ₫230,000 on order {placed.number}",
    ]
    assert "Viettel Post" in shipped.get_content() and "VT123" in shipped.get_content()
    assert "Reason: Torn packaging" in refund.get_content()
    assert [kind for email, kind in rows() if email == "buyer@example.com"] == [
        "order_placed",
        "order_shipped",
        "order_delivered",
        "order_refunded",
    ]


def test_a_confirmed_bank_transfer_tells_the_buyer_and_the_staff(
    client, auth, coop, bank_account, outbox
):
    _, product = coop
    placed = place(client, auth, product, "bank_transfer")
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    response = client.post(
        f"/en/orders/{placed.number}/confirm-transfer", data={"reference": "FT26334123456"}
    )
    assert response.status_code == 302
    buyer_mail = mails_to(outbox, "buyer@example.com")[-1]
    assert buyer_mail["Subject"] == f"Đã nhận được tiền thanh toán cho đơn hàng {placed.number}"
    assert "230.000\xa0₫" in buyer_mail.get_content()
    staff_mail = mails_to(outbox, "staff@example.com")[-1]
    part = placed.shop_orders[0].number
    assert staff_mail["Subject"] == f"Order {part} is paid: pack it"
    assert "by Bank transfer" in staff_mail.get_content() or "bank transfer" in (
        staff_mail.get_content().lower()
    )
    assert len(rows("order_paid")) == 2 and len(rows("payment_confirmed")) == 1


def test_a_card_payment_tells_the_staff(client, auth, coop, outbox, fake_stripe):
    from tests.shopping import post_event
    from tests.test_stripe_payments import pay

    _, product = coop
    placed = place(client, auth, product, "card", lang="en")
    assert post_event(client, fake_stripe, pay(fake_stripe, placed)).status_code == 200
    staff_mail = mails_to(outbox, "staff@example.com")[-1]
    assert staff_mail["Subject"] == f"Order {placed.shop_orders[0].number} is paid: pack it"
    assert len(rows("order_paid")) == 2
    assert rows("payment_confirmed") == []  # the card buyer saw it succeed on the page


def test_ocop_expiry_and_decisions_reach_the_list_too(client, runner, coop, outbox):
    shop, product = coop
    certificate(product, "OCOP-SOON", expires_on=vietnam_today() + timedelta(days=30))
    assert runner.invoke(args=["ocop", "remind"]).exit_code == 0
    assert len(rows("certificate_expiring")) == 2

    pending = certificate(ProductFactory(shop=shop), "OCOP-NEW", status="pending")
    UserFactory(email="admin@example.com", role="admin")
    client.post("/en/login", data={"email": "admin@example.com", "password": "password123"})
    assert client.post(f"/en/admin/ocop/{pending.id}/verify").status_code == 302
    assert len(rows("certificate_decision")) == 2
    assert any("OCOP-NEW" in m["Subject"] for m in mails_to(outbox, "staff@example.com"))


def test_a_bank_payout_marked_paid_tells_the_staff(app, client, auth, coop, outbox, tmp_path):
    from app.models import Payout

    shop, product = coop
    app.config["PAYOUT_BATCH_DIR"] = str(tmp_path / "batches")
    shop.payout_bank_bin, shop.payout_account_no = "970436", "0011001234567"
    shop.payout_account_holder = "Hợp tác xã Ea Tu"
    db.session.commit()
    placed = place(client, auth, product)
    part = placed.shop_orders[0]
    for action, data in (("pack", {}), ("ship", {"carrier": "VNPost", "tracking_number": "E1"})):
        staff_post(client, auth, part, action, **data)
    staff_post(client, auth, part, "deliver")
    app.config["RETURN_WINDOW_DAYS"] = 0
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    assert client.post("/en/admin/payouts/run", data={"run": "1"}).status_code == 302
    payout = db.session.scalar(sa.select(Payout))
    paid = client.post(f"/en/admin/payouts/{payout.id}/paid", data={"reference": "FT26334"})
    assert paid.status_code == 302
    mail = mails_to(outbox, "staff@example.com")[-1]
    assert mail["Subject"].startswith("Payout of ₫") and "Ea Tu Coffee Co-op" in mail["Subject"]
    assert "Reference: FT26334" in mail.get_content()
    assert len(rows("payout_sent")) == 2


# --- after the commit only ----------------------------------------------------------------


def test_a_rolled_back_change_sends_nothing_and_leaves_no_row(app, outbox):
    user = UserFactory(email="lan@example.com")
    with app.test_request_context("/vi/"), pytest.raises(RuntimeError):
        with transaction():
            notify([user], "order_expired", order="CHX-2026-000001")
            raise RuntimeError("the change failed")
    assert outbox() == []
    assert rows() == []


def test_a_refused_checkout_sends_nothing(client, auth, coop, outbox):
    _, product = coop
    auth.login("buyer@example.com")
    client.post("/vi/cart/add", data={"product_id": product.id, "qty": 1})
    product.stock = 0
    db.session.commit()
    response = client.post("/vi/checkout", data={"payment_method": "cod", "name": "Lan"})
    assert response.status_code >= 400
    assert outbox() == [] and rows() == []


# --- preferences ----------------------------------------------------------------------------


def test_staff_turn_off_an_optional_kind_but_never_new_orders(client, auth, coop, outbox):
    _, product = coop
    auth.login("staff@example.com", lang="en")
    page = client.get("/en/account").get_data(as_text=True)
    assert "A buyer cancels an order" in page and "always sent" in page
    assert 'name="kind" value="new_order"' not in page  # cannot be turned off
    # Everything unticked, and a mandatory kind smuggled in: only optional kinds go off.
    saved = client.post("/en/notifications/preferences", data={"kind": ["bogus"]})
    assert saved.status_code == 302
    assert set(
        db.session.scalars(sa.select(NotificationOptOut.kind).order_by(NotificationOptOut.kind))
    ) == {
        "certificate_decision",
        "certificate_expiring",
        "order_cancelled_by_buyer",
        "order_paid",
        "payout_sent",
    }
    page = client.get("/en/account").get_data(as_text=True)
    assert 'value="order_paid" checked' not in page
    auth.logout(lang="en")

    placed = place(client, auth, product)
    part = placed.shop_orders[0]
    auth.login("buyer@example.com")
    client.post(f"/vi/orders/{placed.number}/cancel", data={"shop_order_id": part.id})

    subjects = [m["Subject"] for m in mails_to(outbox, "staff@example.com")]
    assert subjects == [f"New order {part.number} for Ea Tu Coffee Co-op"]
    assert rows("order_cancelled_by_buyer") == [
        ("nhanvien@example.com", "order_cancelled_by_buyer")
    ]

    # Turned back on.
    auth.logout()
    auth.login("staff@example.com", lang="en")
    client.post("/en/notifications/preferences", data={"kind": ["order_cancelled_by_buyer"]})
    db.session.expire_all()
    assert "order_cancelled_by_buyer" not in set(
        db.session.scalars(sa.select(NotificationOptOut.kind))
    )


def test_a_buyer_sees_their_order_mail_is_always_sent(client, auth, coop):
    auth.login("buyer@example.com")
    page = client.get("/vi/account").get_data(as_text=True)
    assert "Bưu kiện" not in page
    assert "luôn gửi" in page and "Kiện hàng của bạn đang được giao" in page
    assert 'name="kind"' not in page  # a buyer who is not staff has nothing optional
    assert "Giấy chứng nhận OCOP sắp hết hạn" not in page


# --- the list and the header ------------------------------------------------------------------


def test_header_counts_unread_and_the_list_speaks_the_page_language(client, auth, coop):
    shop, product = coop
    placed = place(client, auth, product)
    part = placed.shop_orders[0]
    home = client.get("/en/").get_data(as_text=True)
    assert "/notifications" not in home  # strangers: no badge, no query

    auth.login("staff@example.com", lang="en")
    home = client.get("/en/").get_data(as_text=True)
    assert 'aria-label="Notifications, 1 unread"' in home
    assert '<span class="notification-count" aria-hidden="true">1</span>' in home

    english = client.get("/en/notifications").get_data(as_text=True)
    assert f"New order {part.number} for Ea Tu Coffee Co-op" in english
    assert "Nguyễn Thị Lan ordered 2 item(s) for ₫230,000, Cash on delivery." in english
    vietnamese = client.get("/vi/notifications").get_data(as_text=True)
    assert f"Đơn hàng mới {part.number} cho HTX Cà phê Ea Tu" in vietnamese

    from app.models import User

    staff = db.session.scalar(sa.select(User).where(User.email == "staff@example.com"))
    own = db.session.scalar(sa.select(Notification).where(Notification.user_id == staff.id))
    opened = client.post(f"/en/notifications/{own.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/en/manage/htx-ea-tu/orders/{part.number}")
    db.session.expire_all()
    assert own.is_read
    home = client.get("/en/").get_data(as_text=True)
    assert 'aria-label="Notifications, 0 unread"' in home and "notification-count" not in home


def test_someone_elses_notification_is_not_found(client, auth, coop):
    _, product = coop
    place(client, auth, product)
    theirs = db.session.scalar(sa.select(Notification).where(Notification.kind == "new_order"))
    auth.login("buyer@example.com")
    assert client.post(f"/vi/notifications/{theirs.id}").status_code == 404
    assert client.post("/vi/notifications/999999").status_code == 404


def test_the_list_is_paginated_newest_first_and_mark_all_read_empties_the_badge(app, client, auth):
    user = UserFactory(email="lan@example.com")
    with app.test_request_context("/vi/"), transaction():
        for n in range(1, 26):
            notify([user], "order_expired", order=f"CHX-2026-{n:06d}")
    auth.login("lan@example.com", lang="en")
    first = client.get("/en/notifications").get_data(as_text=True)
    assert first.count('class="notification unread"') == 20
    assert first.index("CHX-2026-000025") < first.index("CHX-2026-000024")
    assert "CHX-2026-000005 " not in first and "25 unread notifications" in first
    second = client.get("/en/notifications?page=2").get_data(as_text=True)
    assert second.count('class="notification unread"') == 5 and "CHX-2026-000001" in second
    past = client.get("/en/notifications?page=9").get_data(as_text=True)
    assert "There are no notifications on this page." in past

    assert client.post("/en/notifications/read").status_code == 302
    page = client.get("/en/notifications").get_data(as_text=True)
    assert 'class="notification unread"' not in page and "0 unread notifications" in page


def test_an_empty_list_says_what_will_show_up(client, auth):
    UserFactory(email="lan@example.com")
    auth.login("lan@example.com")
    page = client.get("/vi/notifications").get_data(as_text=True)
    assert "Chưa có thông báo nào." in page
    assert client.get("/vi/notifications").status_code == 200


def test_the_badge_costs_signed_in_users_one_count_and_strangers_nothing(app, client, auth):
    user = UserFactory(email="lan@example.com")
    with app.test_request_context("/vi/"), transaction():
        notify([user], "order_expired", order="CHX-2026-000001")
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if "notification" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        stranger = client.get("/en/").get_data(as_text=True)
        assert statements == [] and "notification-count" not in stranger
        auth.login("lan@example.com", lang="en")
        statements.clear()
        signed_in = client.get("/en/").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert 'aria-label="Notifications, 1 unread"' in signed_in
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT COUNT")
    auth.logout(lang="en")
    assert "notification-count" not in client.get("/en/").get_data(as_text=True)
