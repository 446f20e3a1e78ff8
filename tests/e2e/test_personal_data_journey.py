"""A person's data in a real browser: register with consent, buy, download my data, delete
my account; afterwards the account cannot sign in and the cooperative still has the order,
anonymised."""

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Consent, Order, User
from tests.factories import ProductFactory, ShopFactory, staff_of

pytestmark = pytest.mark.e2e


def sign_in(page: Page, live_server, email: str, password: str = "password123") -> None:
    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_register_with_consent_buy_export_and_delete_the_account(live_server, page, browser):
    shop = ShopFactory(slug="htx-ea-kar", name_en="Ea Kar Honey Cooperative", tax_code="6001234567")
    ProductFactory(shop=shop, slug="mat-ong", name_en="Coffee blossom honey", stock=10)
    staff_of(shop, email="honey@example.com")

    # The seller is named on the product page, with its tax code.
    page.goto(live_server("/en/p/mat-ong"))
    seller = page.locator(".seller-info")
    expect(seller).to_contain_text("Seller information")
    expect(seller).to_contain_text("6001234567")
    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Add to cart").click()

    # Registration refuses to go on without consent to the privacy policy.
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Full name").fill("Nguyễn Thị Lan")
    page.get_by_label("Email").fill("lan@example.com")
    page.get_by_label("Password").fill("rice-field-9")
    consent = page.get_by_label("I have read and agree to the privacy policy")
    expect(consent).not_to_be_checked()
    expect(page.get_by_label("Send me news and offers from cooperatives")).not_to_be_checked()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert").first).to_contain_text("Agree to the privacy policy")
    page.get_by_label("Password").fill("rice-field-9")
    page.get_by_label("I have read and agree to the privacy policy").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status").first).to_contain_text("Your account is ready.")
    assert db.session.scalar(sa.select(Consent.purpose)) == "privacy"

    # Buy, cash on delivery.
    page.goto(live_server("/en/checkout"))
    page.get_by_label("Phone").fill("0912 345 678")
    page.get_by_label("Street address").fill("12 Lê Lợi")
    page.get_by_label("Commune / ward").fill("Phường Buôn Ma Thuột")
    page.get_by_label("Province").select_option("dak-lak")
    page.get_by_label("Cash on delivery").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]

    # My data, as a JSON download from the account page.
    page.get_by_role("link", name="Account").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["email"] == "lan@example.com"
    assert data["orders"][0]["number"] == number
    assert data["addresses"][0]["address"] == "12 Lê Lợi"
    assert [c["purpose"] for c in data["consents"]] == ["privacy"]

    # While the parcel is on its way, the account cannot be deleted.
    page.get_by_label("Your password").fill("rice-field-9")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert").first).to_contain_text("is still on its way")

    # The cooperative delivers the parcel.
    staff_context = browser.new_context(locale="en-GB")
    try:
        staff = staff_context.new_page()
        sign_in(staff, live_server, "honey@example.com")
        staff.goto(live_server("/en/manage/htx-ea-kar/orders"))
        staff.get_by_role("link", name="CHX-").first.click()
        staff.get_by_role("button", name="Mark as packed").click()
        staff.get_by_label("Carrier").fill("Viettel Post")
        staff.get_by_label("Tracking number").fill("VTP123456")
        staff.get_by_role("button", name="Mark as shipped").click()
        staff.get_by_role("button", name="Mark as delivered").click()
        expect(staff.get_by_role("status").first).to_contain_text("Marked as delivered.")
        order_url = staff.url
    finally:
        staff_context.close()

    # Now the account goes.
    page.goto(live_server("/en/account"))
    page.get_by_label("Your password").fill("rice-field-9")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("status").first).to_contain_text("Your account is deleted.")
    sign_in(page, live_server, "lan@example.com", "rice-field-9")
    expect(page.get_by_role("alert").first).to_contain_text("Wrong email or password.")
    user = db.session.scalar(sa.select(User).where(User.name == "—"))
    assert user is not None and user.erased_at is not None
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    assert order.contact_name == "—" and order.address == "" and order.phone == ""

    # The cooperative still has the order, without the buyer's personal details.
    staff_context = browser.new_context(locale="en-GB")
    try:
        staff = staff_context.new_page()
        sign_in(staff, live_server, "honey@example.com")
        staff.goto(order_url)
        expect(staff.locator("body")).to_contain_text(
            "personal details of this order are anonymised"
        )
        expect(staff.locator("body")).not_to_contain_text("12 Lê Lợi")
    finally:
        staff_context.close()
