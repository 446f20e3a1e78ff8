"""The operator keeps the marketplace trustworthy: a cooperative registers and is verified,
its listing is moderated, a buyer reports it and the admin hides it."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Product, Shop
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page: Page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server("/en/"))


def test_registration_verification_moderation_report_and_hiding(live_server, page, tmp_path):
    live_server.app.config["AUTO_APPROVE_POLICY"] = "off"  # as in production
    UserFactory(email="pom@example.com", name="Lò Văn Pọm")
    UserFactory(email="admin@example.com", role="admin")
    UserFactory(email="buyer@example.com")
    licence = tmp_path / "giay-phep.pdf"
    licence.write_bytes(PDF)

    # Staff register their cooperative: it waits for verification.
    sign_in(page, live_server, "pom@example.com")
    page.goto(live_server("/en/manage/register"))
    page.get_by_label("Cooperative name (Vietnamese)").fill("HTX Mật ong Hoa Ban")
    page.get_by_label("Cooperative name (English)").fill("Hoa Ban Honey Cooperative")
    page.get_by_label("Registration / tax code").fill("5500123456")
    page.get_by_label("Legal representative").fill("Lò Văn Pọm")
    page.get_by_label("Province").select_option(label="Dak Lak")
    page.get_by_label("Commune / ward").fill("Xã Ea Tu")
    page.get_by_label("Documents").set_input_files(licence)
    page.get_by_label("I have read and accept the operating rules").check()
    page.get_by_role("button", name="Register the cooperative").click()
    expect(page.get_by_role("status").first).to_contain_text("waits for an admin")
    shop_slug = db.session.scalar(sa.select(Shop.slug))
    expect(page.locator(".shop-status")).to_contain_text("Waiting for verification")

    # The admin checks the documents and approves the cooperative.
    sign_in(page, live_server, "admin@example.com")
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Cooperatives to verify").click()
    page.get_by_role("link", name="Hoa Ban Honey Cooperative").click()
    expect(page.get_by_role("link", name="giay-phep.pdf")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("format valid")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("Active")

    # Staff list a product: it waits in the moderation queue, invisible to buyers.
    sign_in(page, live_server, "pom@example.com")
    page.goto(live_server(f"/en/manage/{shop_slug}/products/new"))
    page.get_by_label("SKU", exact=True).fill("MO-01")
    page.get_by_label("Name (Vietnamese)").fill("Mật ong hoa cà phê")
    page.get_by_label("Name (English)").fill("Coffee blossom honey")
    page.get_by_label("Price (đồng)").fill("180000")
    page.get_by_label("Stock", exact=True).fill("20")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_role("status").first).to_contain_text("sent for review")
    product_slug = db.session.scalar(sa.select(Product.slug))
    assert page.goto(live_server(f"/en/p/{product_slug}")).status == 200  # a staff preview
    expect(page.get_by_role("status").first).to_contain_text("Preview: not public.")

    # The admin approves it from the queue; it becomes searchable.
    sign_in(page, live_server, "admin@example.com")
    page.goto(live_server("/en/admin/"))
    page.get_by_role("link", name="Listings to moderate").click()
    page.get_by_label("Choose Coffee blossom honey").check()
    page.get_by_label("Action").select_option(label="Approve")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").first).to_contain_text("1 product(s)")
    page.goto(live_server("/en/search?q=mat ong hoa ca phe"))
    expect(page.get_by_role("heading", name="Coffee blossom honey")).to_be_visible()

    # A buyer reports it.
    sign_in(page, live_server, "buyer@example.com")
    page.goto(live_server(f"/en/p/{product_slug}"))
    page.get_by_role("link", name="Report this product").click()
    page.get_by_label("Counterfeit or not what it claims to be").check()
    page.get_by_label("Details").fill("Đây là mật ong pha đường.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status").first).to_contain_text("will look at your report")

    # The admin hides it: gone from its page and from search.
    sign_in(page, live_server, "admin@example.com")
    page.goto(live_server("/en/admin/"))
    page.get_by_role("link", name="Open reports").click()
    report = page.locator("article.report").filter(has_text="Coffee blossom honey")
    expect(report).to_contain_text("Đây là mật ong pha đường.")
    report.get_by_label("Reason").fill("Kiểm nghiệm cho thấy có pha đường.")
    report.get_by_role("button", name="Hide the product").click()
    expect(page.get_by_role("status").first).to_contain_text("The report is handled")
    assert page.goto(live_server(f"/en/p/{product_slug}")).status == 200  # an admin preview
    expect(page.get_by_role("status").first).to_contain_text("Preview: not public.")
    page.goto(live_server("/en/search?q=mat ong hoa ca phe"))
    expect(page.get_by_role("heading", name="Coffee blossom honey")).to_have_count(0)
