"""OCOP and traceability in a real browser: from a scanned certificate to the badge and feed,
and from a lot's QR code on the package to the lot page."""

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Lot, OcopCertificate
from tests.factories import (
    ProductFactory,
    ShopFactory,
    UserFactory,
    add_image,
    staff_of,
)

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server("/en/"))


def test_certificate_from_scan_to_badge_and_feed_and_lot_qr_to_lot_page(
    live_server, browser, page, tmp_path
):
    shop = ShopFactory(name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee Cooperative")
    product = ProductFactory(shop=shop, sku="CF-01", name_en="Roasted Robusta coffee")
    add_image(product)
    db.session.commit()
    staff_of(shop, email="staff@example.com")
    UserFactory(email="admin@example.com", role="admin")
    shop_slug, product_slug = shop.slug, product.slug
    scan = tmp_path / "giay-chung-nhan-ocop.pdf"
    scan.write_bytes(PDF)

    # Staff submit the certificate with its scan.
    sign_in(page, live_server, "staff@example.com")
    page.goto(live_server(f"/en/manage/{shop_slug}/ocop"))
    page.get_by_role("link", name="Submit a certificate").click()
    page.get_by_label("Product", exact=True).select_option(label="Roasted Robusta coffee (CF-01)")
    page.get_by_label("Certificate number").fill("OCOP-66-2025-0042")
    page.get_by_label("Stars").fill("4")
    page.get_by_label("Product group").select_option("beverages")
    page.get_by_label("Issuing authority").fill("UBND tỉnh Đắk Lắk")
    page.get_by_label("Issued on").fill("2025-03-01")
    page.get_by_label("Expires on").fill("2028-03-01")
    page.get_by_label("Scan of the certificate (PDF or image)").set_input_files(scan)
    page.get_by_role("button", name="Send for verification").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Certificate OCOP-66-2025-0042 is sent for verification."
    )
    expect(page.locator(".certificate-list")).to_contain_text("Waiting for verification")

    # No badge before an admin has looked at the scan.
    anonymous = browser.new_page(locale="en-GB")
    anonymous.goto(live_server(f"/en/p/{product_slug}"))
    expect(anonymous.locator(".product-ocop")).to_have_count(0)

    # An admin compares the data with the scan and verifies it.
    admin = browser.new_page()
    sign_in(admin, live_server, "admin@example.com")
    admin.goto(live_server("/en/admin/ocop"))
    admin.get_by_role("link", name="OCOP-66-2025-0042").click()
    expect(admin.locator("iframe.scan-frame")).to_be_visible()
    expect(admin.locator(".facts")).to_contain_text("UBND tỉnh Đắk Lắk")
    admin.get_by_role("button", name="Verify: the data matches the scan").click()
    expect(admin.get_by_role("status")).to_contain_text("is verified")
    certificate = db.session.scalar(sa.select(OcopCertificate))
    assert certificate.status == "verified"

    # The badge shows on the product page and links to the verification page.
    anonymous.goto(live_server(f"/en/p/{product_slug}"))
    badge = anonymous.locator(".product-ocop img")
    expect(badge).to_have_attribute(
        "alt", "OCOP 4 stars, certificate OCOP-66-2025-0042: check it on Chợ HTX"
    )
    anonymous.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=badge.element_handle()
    )
    badge.click()
    expect(anonymous).to_have_url(live_server("/en/ocop/verify/OCOP-66-2025-0042"))
    expect(anonymous.get_by_role("status")).to_contain_text("Valid.")

    # The product is in the feed.
    feed = anonymous.request.get(live_server("/ocop/feed.json?lang=en")).json()
    assert [(i["title"], i["_ocop"]["stars"]) for i in feed["items"]] == [
        ("Roasted Robusta coffee", 4)
    ]

    # Staff record a lot; its QR code, decoded, opens the lot page.
    page.goto(live_server(f"/en/manage/{shop_slug}/lots"))
    page.get_by_role("link", name="New lot").click()
    page.get_by_label("Product", exact=True).select_option(label="Roasted Robusta coffee (CF-01)")
    page.get_by_label("Lot code").fill("CF01-2026-10A")
    page.get_by_label("Production or harvest date").fill("2026-10-20")
    page.locator("#steps-0-performed_on").fill("2026-10-18")
    page.locator("#steps-0-description_en").fill("Small-batch roasting")
    page.get_by_role("button", name="Save lot").click()
    expect(page.get_by_role("status")).to_contain_text("Lot CF01-2026-10A is saved.")
    assert db.session.scalar(sa.select(Lot.code)) == "CF01-2026-10A"

    qr_link = page.get_by_role("link", name="QR (PNG)")
    png = page.request.get(live_server(qr_link.get_attribute("href")))
    qr_file = tmp_path / "qr.png"
    qr_file.write_bytes(png.body())
    (decoded,) = zxingcpp.read_barcodes(Image.open(qr_file))
    assert decoded.text == live_server("/vi/lot/CF01-2026-10A")

    anonymous.goto(decoded.text)
    expect(anonymous).to_have_url(live_server("/vi/lot/CF01-2026-10A"))
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text("CF01-2026-10A")
    anonymous.get_by_role("link", name="English", exact=True).click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Lot CF01-2026-10A")
    expect(anonymous.locator(".timeline")).to_contain_text("Small-batch roasting")
    anonymous.goto(live_server(f"/en/p/{product_slug}"))
    anonymous.get_by_role("link", name="Lot CF01-2026-10A, made 20 Oct 2026").click()
    expect(anonymous).to_have_url(live_server("/en/lot/CF01-2026-10A"))
