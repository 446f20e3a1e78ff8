"""A fair from the organiser's first click to a buyer's order, in a real browser.

The organiser builds a fair with three sections, invites two cooperatives, one accepts from
its dashboard, the organiser features its products and publishes; a buyer buys from the
fair page with cash on delivery, and the sale shows in the organiser's figures.
"""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import ExhibitorStatus, Fair, FairExhibitor, OrderLine
from tests.e2e.test_checkout_journey import fill_delivery, sign_in
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of

pytestmark = pytest.mark.e2e


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_organiser_builds_a_fair_and_a_buyer_buys_from_it(live_server, page, browser):
    coffee = ProductFactory(
        shop=ShopFactory(name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee Cooperative"),
        name_en="Robusta coffee",
        price_vnd=180000,
        stock=10,
    )
    tea_shop = ShopFactory(name_vi="HTX Chè Tân Cương", name_en="Tan Cuong Tea Cooperative")
    ProductFactory(shop=tea_shop, name_en="Green tea")
    staff_of(coffee.shop, email="coffee@example.com", locale="en")
    staff_of(tea_shop, email="tea@example.com", locale="en")
    UserFactory(email="organiser@example.com", role="organiser")
    coffee_shop = coffee.shop.slug

    # The organiser creates the fair.
    sign_in(page, live_server, "organiser@example.com")
    page.goto(live_server("/en/organise/fairs/new"))
    page.get_by_label("Name (Vietnamese)").fill("Hội chợ OCOP Tây Nguyên")
    page.get_by_label("Name (English)").fill("Central Highlands OCOP Fair")
    page.get_by_label("First day").fill("2026-12-10")
    page.get_by_label("Last day").fill("2026-12-14")
    page.get_by_label("Venue address").fill("Quảng trường 10/3, Buôn Ma Thuột")
    page.get_by_role("button", name="Create fair").click()
    expect(page.get_by_role("status")).to_contain_text("The fair is created as a draft")

    # Three sections: rich text, featured products, shop the fair.
    for kind in ("Rich text", "Featured products grid", "Shop the fair"):
        page.goto(live_server("/en/organise/fairs/hoi-cho-ocop-tay-nguyen/sections"))
        page.get_by_label("Kind of section").select_option(label=kind)
        page.get_by_role("button", name="Add section").click()
        expect(page.get_by_role("status")).to_contain_text("Section added.")
        if kind == "Rich text":
            page.get_by_label("Text (English)").fill(
                "<p>Meet the <strong>cooperatives</strong>.</p><script>alert(1)</script>"
            )
            page.get_by_role("button", name="Save section").click()
            expect(page.get_by_role("status")).to_contain_text("Section saved.")
    page.goto(live_server("/en/organise/fairs/hoi-cho-ocop-tay-nguyen/sections"))
    expect(page.locator(".section-list li")).to_have_count(3)

    # It invites two cooperatives, found by name without accents.
    page.get_by_role("navigation", name="Fair management").get_by_role(
        "link", name="Exhibitors"
    ).click()
    for name in ("Ea Tu", "Tan Cuong"):
        page.get_by_label("Search cooperatives").fill(name.lower())
        page.get_by_role("button", name="Search", exact=True).last.click()
        page.get_by_role("button", name=re.compile(f"Invite .*{name}")).click()
        expect(page.get_by_role("status")).to_contain_text("is invited.")
    expect(page.locator(".exhibitor-table tbody tr")).to_have_count(2)
    sign_out(page)

    # The coffee cooperative's staff accept from their dashboard.
    sign_in(page, live_server, "coffee@example.com")
    page.goto(live_server(f"/en/manage/{coffee_shop}/products"))
    invitations = page.get_by_role("region", name="Fair invitations")
    expect(invitations).to_contain_text("1 fair invitation waits for your answer")
    invitations.get_by_role("link", name="Central Highlands OCOP Fair").click()
    page.get_by_role("button", name="Accept the invitation to Central Highlands OCOP Fair").click()
    expect(page.get_by_role("status")).to_contain_text("You accepted the invitation.")
    sign_out(page)

    # The organiser features the coffee, then previews and publishes.
    sign_in(page, live_server, "organiser@example.com")
    page.goto(live_server("/en/organise/fairs/hoi-cho-ocop-tay-nguyen/exhibitors"))
    page.get_by_role("link", name="Ea Tu Coffee Cooperative").click()
    page.get_by_label("Booth", exact=True).fill("A01")
    page.get_by_role("button", name="Save booth").click()
    page.get_by_label("Robusta coffee").check()
    page.get_by_role("button", name="Save featured products").click()
    expect(page.get_by_role("status")).to_contain_text("Featured products saved.")
    page.goto(live_server("/en/fairs/hoi-cho-ocop-tay-nguyen"))
    expect(page.get_by_text("Preview: this fair is a draft")).to_be_visible()
    page.goto(live_server("/en/organise/fairs/hoi-cho-ocop-tay-nguyen/sections"))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("The fair is published.")
    sign_out(page)

    # A buyer finds the fair and buys the coffee from its page.
    page.goto(live_server("/en/fairs"))
    page.get_by_role("link", name="Central Highlands OCOP Fair").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Central Highlands OCOP Fair")
    expect(page.locator(".rich-text")).to_contain_text("Meet the cooperatives.")
    expect(page.locator(".rich-text script")).to_have_count(0)
    expect(page.get_by_role("link", name="Green tea")).to_have_count(0)
    page.get_by_role("button", name="Add Robusta coffee to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Robusta coffee is in your cart.")
    page.get_by_role("link", name="Cart, 1 item").click()
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Nguyễn Thị Lan")
    page.get_by_label("Email").fill("lan@example.com")
    page.get_by_label("Password").fill("password123")
    page.get_by_label("I have read and agree to the privacy policy").check()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_server("/en/checkout"))
    fill_delivery(page)
    page.get_by_label("Cash on delivery").check()
    page.get_by_role("button", name="Place order").click()
    expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))

    db.session.expire_all()
    fair = db.session.scalar(sa.select(Fair))
    assert db.session.scalar(sa.select(OrderLine.fair_id)) == fair.id
    statuses = dict(
        db.session.execute(sa.select(FairExhibitor.shop_id, FairExhibitor.status)).all()
    )
    assert statuses == {coffee.shop_id: ExhibitorStatus.ACCEPTED, tea_shop.id: "invited"}

    # The organiser sees the sale against the coffee cooperative.
    sign_out(page)
    sign_in(page, live_server, "organiser@example.com")
    page.goto(live_server("/en/organise/fairs/hoi-cho-ocop-tay-nguyen/sales"))
    row = page.locator(".sales-table tbody tr", has_text="Ea Tu Coffee Cooperative")
    expect(row).to_contain_text("₫180,000")
