"""Notifications in a real browser: a buyer's cash-on-delivery order reaches the cooperative's
staff by mail and in their notifications list, whose unread count shows in the header; one
click on the notification opens the order."""

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_checkout_journey import add_to_cart, fill_delivery, sign_in
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of

pytestmark = pytest.mark.e2e


def outbox(live_server) -> list:
    folder = Path(live_server.app.config["MAIL_OUTBOX_DIR"])
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def test_staff_are_told_of_a_new_cod_order_and_open_it_from_the_notification(
    live_server, page, browser
):
    shop = ShopFactory(slug="htx-ea-kar", name_en="Ea Kar Honey Cooperative")
    product = ProductFactory(shop=shop, name_en="Forest honey", price_vnd=250000, stock=5)
    staff_of(shop, email="honey@example.com", name="Anna", locale="en")
    UserFactory(email="lan@example.com", name="Nguyễn Thị Lan")
    slug = product.slug

    # The buyer clicks through checkout, paying cash on delivery.
    sign_in(page, live_server, "lan@example.com")
    add_to_cart(page, live_server, slug, 2)
    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("link", name="Check out").click()
    fill_delivery(page)
    page.get_by_label("Cash on delivery").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    part = f"{number}-1"

    # The staff member's mail: what was ordered, where it goes, and a link to the order.
    (mail,) = [m for m in outbox(live_server) if m["To"] == "honey@example.com"]
    assert mail["Subject"] == f"New order {part} for Ea Kar Honey Cooperative"
    text = mail.get_content()
    assert "2 × Forest honey" in text and "12 Lê Lợi" in text
    assert live_server(f"/en/manage/htx-ea-kar/orders/{part}") in text

    # Signed in, the staff member sees one unread notification and opens it.
    staff_context = browser.new_context(locale="en-GB")
    try:
        staff = staff_context.new_page()
        sign_in(staff, live_server, "honey@example.com")
        badge = staff.get_by_role("link", name="Notifications, 1 unread")
        expect(badge).to_be_visible()
        badge.click()
        expect(staff.get_by_role("heading", level=1)).to_have_text("Notifications")
        expect(staff.locator(".notification.unread")).to_have_count(1)
        expect(staff.locator(".notification")).to_contain_text("Nguyễn Thị Lan ordered 2 item(s)")
        staff.get_by_role("button", name=f"New order {part} for Ea Kar Honey Cooperative").click()
        expect(staff).to_have_url(live_server(f"/en/manage/htx-ea-kar/orders/{part}"))
        expect(staff.get_by_role("heading", level=1)).to_contain_text(part)
        expect(staff.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
    finally:
        staff_context.close()
