"""Cancelling in a real browser, clicking what a buyer clicks: a cash-on-delivery buyer drops
one cooperative's part while the other goes on; a bank-transfer buyer pays (the operator
confirms the transfer by hand) and then cancels a part, which is refunded."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.shopping import BANK

pytestmark = pytest.mark.e2e


def sign_in(page: Page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server("/en/"))


def buy_from_two_cooperatives(page: Page, live_server, payment: str) -> str:
    """The signed-in buyer puts tea and honey in the cart and checks out; returns the order URL."""
    for slug in ("green-tea", "forest-honey"):
        page.goto(live_server(f"/en/p/{slug}"))
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_role("status")).to_contain_text("is in your cart")
    page.goto(live_server("/en/checkout"))
    page.get_by_label("Phone").fill("0912 345 678")
    page.get_by_label("Street address").fill("12 Lê Lợi")
    page.get_by_label("Province").select_option("dak-lak")
    page.get_by_label(payment).check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))
    return page.url


@pytest.fixture
def two_cooperatives():
    ProductFactory(
        shop=ShopFactory(name_en="Tan Cuong Tea Cooperative"),
        slug="green-tea",
        name_en="Green tea",
        price_vnd=120000,
    )
    honey = ShopFactory(slug="htx-ea-kar", name_en="Ea Kar Honey Cooperative")
    ProductFactory(shop=honey, slug="forest-honey", name_en="Forest honey", price_vnd=250000)
    staff_of(honey, email="honey@example.com")
    UserFactory(email="lan@example.com", name="Nguyễn Thị Lan")


def duplicate_ids(page: Page) -> list[str]:
    return page.evaluate(
        """() => {
            const seen = new Set(), twice = [];
            for (const el of document.querySelectorAll("[id]")) {
                if (seen.has(el.id)) twice.push(el.id);
                seen.add(el.id);
            }
            return twice;
        }"""
    )


def test_cod_buyer_cancels_one_cooperatives_part_and_the_other_goes_on(
    live_server, page, two_cooperatives
):
    sign_in(page, live_server, "lan@example.com")
    buy_from_two_cooperatives(page, live_server, "Cash on delivery")
    tea = page.locator("section.shop-order").filter(has_text="Tan Cuong Tea Cooperative")
    honey = page.locator("section.shop-order").filter(has_text="Ea Kar Honey Cooperative")
    expect(tea).to_contain_text("Waiting for the cooperative's confirmation")

    page.once("dialog", lambda dialog: dialog.accept())  # "Cancel this part of the order?"
    tea.get_by_role("button", name="Cancel the part from Tan Cuong Tea Cooperative").click()

    expect(page.get_by_role("status")).to_contain_text("Cancelled.")
    expect(tea.locator(".status")).to_have_text("Cancelled")
    expect(tea.get_by_role("button")).to_have_count(0)
    expect(honey.locator(".status")).to_have_text("Waiting for the cooperative's confirmation")
    expect(
        honey.get_by_role("button", name="Cancel the part from Ea Kar Honey Cooperative")
    ).to_be_visible()
    page.get_by_role("link", name="My orders").first.click()
    expect(page.locator("tbody tr").first).to_contain_text("₫280,000")  # honey and its shipping

    # The honey cooperative's order page holds a form per action: one id each.
    sign_in(page, live_server, "honey@example.com")
    page.goto(live_server("/en/manage/htx-ea-kar/orders"))
    page.locator("tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CHX-")
    assert page.locator("form").count() > 1
    assert duplicate_ids(page) == []


def test_bank_transfer_buyer_pays_then_cancels_a_part_and_is_refunded(
    live_server, page, browser, two_cooperatives
):
    live_server.app.config.update(BANK)
    UserFactory(email="admin@example.com", role="admin")
    sign_in(page, live_server, "lan@example.com")
    order_url = buy_from_two_cooperatives(page, live_server, "Bank transfer (VietQR)")
    expect(page.locator(".transfer-facts")).to_contain_text("Vietcombank")
    number = order_url.rsplit("/", 1)[1]

    # The money arrives; the operator confirms the transfer with the bank's reference.
    admin_context = browser.new_context(locale="en-GB")
    try:
        admin = admin_context.new_page()
        sign_in(admin, live_server, "admin@example.com")
        admin.goto(live_server("/en/manage/transfers"))
        admin.get_by_label(f"Bank transaction reference for {number}").fill("FT26336001")
        admin.get_by_role("button", name="Confirm").click()
        expect(admin.get_by_role("status")).to_contain_text(f"Payment of order {number}")
    finally:
        admin_context.close()

    page.goto(order_url)
    tea = page.locator("section.shop-order").filter(has_text="Tan Cuong Tea Cooperative")
    expect(tea.locator(".status")).to_have_text("Paid")
    expect(tea.locator(".timeline")).to_contain_text("₫150,000")  # its own part, not ₫400,000
    expect(tea.locator(".timeline")).not_to_contain_text("₫400,000")

    page.once("dialog", lambda dialog: dialog.accept())
    tea.get_by_role("button", name="Cancel the part from Tan Cuong Tea Cooperative").click()

    expect(page.get_by_role("status")).to_contain_text("Anything you paid for it is refunded.")
    expect(tea.locator(".status")).to_have_text("Cancelled")
    expect(tea.locator(".timeline")).to_contain_text("Refund of ₫150,000")
    honey = page.locator("section.shop-order").filter(has_text="Ea Kar Honey Cooperative")
    expect(honey.locator(".status")).to_have_text("Paid")
    page.get_by_role("link", name="My orders").first.click()
    expect(page.locator("tbody tr").first).to_contain_text("₫280,000")  # what stays paid
