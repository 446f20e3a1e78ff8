"""Storefront journeys in a real browser: what buyers and cooperative staff do first."""

import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Category, Product
from tests.factories import ProductFactory, ShopFactory, add_image, staff_of

pytestmark = pytest.mark.e2e


def category(slug: str) -> Category:
    return db.session.scalar(sa.select(Category).where(Category.slug == slug))


def fish_sauce(**kwargs) -> Product:
    """A committed, approved product with one stored image, in the fish sauce category."""
    product = ProductFactory(
        name_vi="Nước mắm Phú Quốc",
        name_en="Phu Quoc fish sauce",
        price_vnd=150000,
        category=category("nuoc-mam-gia-vi"),
        **kwargs,
    )
    add_image(product)
    db.session.commit()
    return product


def expect_image_loaded(page: Page, img) -> None:
    expect(img).to_have_attribute("src", re.compile(r"\.webp$"))
    img.scroll_into_view_if_needed()  # cards load their images lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


def test_buyer_browses_home_category_product_in_both_languages(live_server, page):
    product = fish_sauce()
    slug = product.slug

    page.goto(live_server("/"))
    expect(page).to_have_url(live_server("/vi/"))
    expect(page.get_by_role("article").filter(has_text="Nước mắm Phú Quốc")).to_be_visible()

    page.get_by_role("link", name="Thực phẩm", exact=True).click()
    expect(page).to_have_url(live_server("/vi/c/thuc-pham"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thực phẩm")
    card = page.get_by_role("article").filter(has_text="Nước mắm Phú Quốc")
    expect(card).to_contain_text("150.000 ₫")

    card.get_by_role("heading", name="Nước mắm Phú Quốc").click()
    expect(page).to_have_url(live_server(f"/vi/p/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nước mắm Phú Quốc")
    expect(page.locator(".details .price")).to_contain_text("150.000 ₫")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect_image_loaded(page, page.locator(".gallery img").first)

    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(live_server(f"/en/p/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Phu Quoc fish sauce")
    expect(page.locator(".details .price")).to_contain_text("₫150,000")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_staff_creates_product_with_image_and_sees_it_on_shop_page(live_server, page, tmp_path):
    shop = ShopFactory(name_vi="HTX Chè Tân Cương", name_en="Tan Cuong Tea Cooperative")
    staff_of(shop, email="staff@example.com")
    shop_slug = shop.slug
    photo = tmp_path / "che-xanh.jpg"
    Image.new("RGB", (800, 600), (60, 140, 60)).save(photo, "JPEG")

    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill("staff@example.com")
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server("/en/"))

    page.get_by_role("link", name="My shop").click()
    expect(page).to_have_url(live_server(f"/en/manage/{shop_slug}/products"))
    page.get_by_role("link", name="New product").click()
    page.get_by_label("SKU", exact=True).fill("CHE-01")
    page.get_by_label("Name (Vietnamese)").fill("Chè xanh Tân Cương")
    page.get_by_label("Price (đồng)").fill("120000")
    page.get_by_label("Stock", exact=True).fill("30")
    page.get_by_label("Category").select_option(label="— Tea")
    page.get_by_label("Images (up to 8)").set_input_files(photo)
    page.get_by_role("button", name="Save and publish").click()

    expect(page.get_by_role("status")).to_contain_text("Saved and published.")
    expect(page.get_by_role("link", name="Chè xanh Tân Cương", exact=True)).to_be_visible()
    product = db.session.scalar(sa.select(Product).where(Product.sku == "CHE-01"))
    assert (product.status, product.category.slug, len(product.images)) == ("approved", "tra", 1)

    page.get_by_role("link", name="View shop").click()
    expect(page).to_have_url(live_server(f"/en/s/{shop_slug}"))
    card = page.get_by_role("article").filter(has_text="Chè xanh Tân Cương")
    expect(card).to_contain_text("₫120,000")
    expect_image_loaded(page, card.locator("img"))


def test_language_switch_keeps_page_and_hreflang_links(live_server, page):
    shop = ShopFactory(name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee Cooperative")
    slug = shop.slug

    page.goto(live_server(f"/vi/s/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("HTX Cà phê Ea Tu")
    expect(page.locator('link[rel=alternate][hreflang="vi"]')).to_have_attribute(
        "href", live_server(f"/vi/s/{slug}")
    )
    expect(page.locator('link[rel=alternate][hreflang="en"]')).to_have_attribute(
        "href", live_server(f"/en/s/{slug}")
    )

    page.get_by_role("link", name="English", exact=True).click()
    expect(page).to_have_url(live_server(f"/en/s/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ea Tu Coffee Cooperative")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("link", name="Tiếng Việt", exact=True).click()
    expect(page).to_have_url(live_server(f"/vi/s/{slug}"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_home_page_fits_a_phone_screen_without_horizontal_scroll(live_server, browser):
    shop = ShopFactory(name_vi="Hợp tác xã Nông nghiệp và Dịch vụ Thương mại Tổng hợp Ea Kar")
    for n in range(6):
        ProductFactory(shop=shop, name_vi=f"Cà phê Robusta rang mộc hạt nguyên chất loại {n}")
    fish_sauce()

    context = browser.new_context(
        locale="vi-VN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(live_server("/vi/"))
        expect(page.get_by_role("article").first).to_be_visible()
        inner, scroll = page.evaluate(
            "() => [window.innerWidth, document.documentElement.scrollWidth]"
        )
        # A phone widens the layout viewport (innerWidth) to fit content that is too wide, and
        # lays out 980px when the page has no device-width viewport: both show up as inner > 375.
        assert inner == 375 and scroll <= inner, f"laid out {inner}px, content {scroll}px wide"
    finally:
        context.close()
