"""Checkout on a 390×844 phone, as a returning buyer: the saved addresses are offered, one tap
fills the form, and the order's total shows before the place-order button."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Address
from tests.factories import ProductFactory, UserFactory, province

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_phone_checkout_fills_a_saved_address_and_shows_the_total_before_the_button(
    live_server, browser
):
    product = ProductFactory(slug="green-tea", name_en="Green tea", price_vnd=120000)
    lan = UserFactory(email="lan@example.com", name="Nguyễn Thị Lan")
    db.session.add_all(
        [
            Address(
                user_id=lan.id,
                name="Nguyễn Thị Lan",
                phone="0912345678",
                address="12 Lê Lợi",
                commune="Phường Buôn Ma Thuột",
                province_id=province("dak-lak").id,
                is_default=True,
            ),
            Address(
                user_id=lan.id,
                name="Trần Văn Nam",
                phone="0987654321",
                address="5 Hùng Vương",
                commune="",
                province_id=province("ha-noi").id,
            ),
        ]
    )
    db.session.commit()
    del product
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(live_server("/en/login"))
        page.get_by_label("Email", exact=True).fill("lan@example.com")
        page.get_by_label("Password", exact=True).fill("password123")
        page.get_by_role("button", name="Sign in").click()
        page.goto(live_server("/en/p/green-tea"))
        page.get_by_role("button", name="Add to cart").click()
        page.goto(live_server("/en/checkout"))

        # The default address is filled in; the other one is a tap away.
        expect(page.get_by_label("Phone")).to_have_value("0912345678")
        expect(page.get_by_label("Street address")).to_have_value("12 Lê Lợi")
        expect(page.get_by_label("Cash on delivery")).to_be_checked()  # the only method
        page.get_by_role("link", name=re.compile("Deliver to Trần Văn Nam")).click()
        expect(page.get_by_label("Full name of the receiver")).to_have_value("Trần Văn Nam")
        expect(page.get_by_label("Province")).to_have_value("ha-noi")

        total = page.locator(".order-summary .total")
        button = page.get_by_role("button", name="Place order")
        expect(total).to_contain_text("₫150,000")
        total_box, button_box = total.bounding_box(), button.bounding_box()
        assert total_box["y"] + total_box["height"] <= button_box["y"]
        assert button_box["x"] >= 0 and button_box["x"] + button_box["width"] <= PHONE["width"]

        button.click()
        expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))
        expect(page.locator(".order-facts")).to_contain_text("Trần Văn Nam")
    finally:
        context.close()
