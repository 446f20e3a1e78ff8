"""Pages as a buyer and a cooperative use them, in a real browser, on a desktop and a phone."""

import re
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Category, Lot, Product
from tests.factories import ProductFactory, ShopFactory, add_image, staff_of

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def category(slug: str) -> Category:
    return db.session.scalar(sa.select(Category).where(Category.slug == slug))


def product_with_images(count: int = 3, **kwargs) -> Product:
    """A committed, approved product with `count` stored images of different colours."""
    product = ProductFactory(
        name_vi="Túi thổ cẩm Dao đỏ",
        name_en="Red Dao brocade bag",
        price_vnd=280000,
        stock=9,
        category=category("tho-cam"),
        description_vi="Túi đeo vai thêu tay của phụ nữ Dao đỏ. " * 8,
        **kwargs,
    )
    for n in range(count):
        add_image(product, n, size=(1200, 1200), color=(60 + 60 * n, 40, 90))
    db.session.commit()
    return product


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, live_server, email: str, lang: str = "en") -> None:
    page.goto(live_server(f"/{lang}/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.locator("main").get_by_role("button", name=re.compile("Sign in|Đăng nhập")).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_gallery_thumbnail_switches_the_main_image(live_server, page):
    product = product_with_images(3)
    keys = [image.key for image in product.images]
    page.goto(live_server(f"/en/p/{product.slug}"))
    main = page.locator("#gallery-main-image")
    expect(main).to_have_attribute("src", re.compile(keys[0]))
    thumbs = page.get_by_role("list", name="Product images").get_by_role("link")
    expect(thumbs).to_have_count(3)  # the main image has its thumbnail too

    thumbs.nth(2).click()
    expect(main).to_have_attribute("src", re.compile(f"{keys[2]}-md.webp"))
    expect(main).to_have_attribute("alt", "Red Dao brocade bag (3/3)")
    expect(thumbs.nth(2)).to_have_attribute("aria-current", "true")
    expect(page).to_have_url(live_server(f"/en/p/{product.slug}?image=3"))  # not the .webp
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=main.element_handle())

    thumbs.nth(0).click()
    expect(main).to_have_attribute("src", re.compile(f"{keys[0]}-md.webp"))


def test_phone_header_menu_opens_and_closes(live_server, phone):
    phone.goto(live_server("/vi/"))
    menu_button = phone.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_role("link", name="Giỏ hàng, 0 sản phẩm")).to_be_hidden()
    expect(phone.get_by_role("combobox", name="Tìm sản phẩm")).to_be_visible()  # search stays
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] < 140, header

    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_role("link", name="English", exact=True)).to_be_visible()
    phone.get_by_role("link", name="Hợp tác xã", exact=True).click()
    expect(phone).to_have_url(live_server("/vi/shops"))

    phone.get_by_role("button", name="Menu").click()
    phone.keyboard.press("Escape")
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_role("link", name="English", exact=True)).to_be_hidden()


def test_phone_header_menu_opens_without_javascript(live_server, browser):
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(live_server("/vi/"))
        expect(page.get_by_role("link", name="English", exact=True)).to_be_hidden()
        page.get_by_role("link", name="Menu").click()
        expect(page.get_by_role("link", name="English", exact=True)).to_be_visible()
    finally:
        context.close()


def test_phone_product_page_shows_price_and_add_to_cart_in_the_first_screen(live_server, phone):
    product = product_with_images(4)
    phone.goto(live_server(f"/vi/p/{product.slug}"))
    for locator in (
        phone.get_by_role("heading", level=1),
        phone.locator(".details .price"),
        phone.get_by_role("button", name="Thêm vào giỏ hàng"),
    ):
        box = locator.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_phone_cart_lines_stay_readable(live_server, phone):
    long_name = "Cà phê Robusta Buôn Ma Thuột rang mộc xay sẵn pha phin túi 500 g"
    ProductFactory(slug="ca-phe", name_vi=long_name, price_vnd=180000, stock=20)
    phone.goto(live_server("/vi/p/ca-phe"))
    phone.get_by_role("button", name="Thêm vào giỏ hàng").click()
    phone.goto(live_server("/vi/cart"))
    name = phone.get_by_role("link", name=long_name)
    box = name.bounding_box()
    assert box["width"] >= 200, box  # not squeezed into a column one word wide
    for locator in (
        phone.get_by_label(f"Số lượng {long_name}"),
        phone.get_by_role("button", name=f"Xóa {long_name}"),
        phone.locator(".cart-table tbody td.num"),
    ):
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_management_table_scrolls_to_its_actions(live_server, phone):
    shop = ShopFactory(name_vi="HTX Thổ cẩm Sa Pa")
    staff_of(shop, email="staff@example.com")
    ProductFactory(shop=shop, name_vi="Khăn thổ cẩm H'Mông thêu tay nhuộm chàm", sku="KHAN-01")
    sign_in(phone, live_server, "staff@example.com")
    phone.goto(live_server(f"/vi/manage/{shop.slug}/products"))
    wrap = phone.locator(".table-wrap").first
    scroll, client = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    hide = phone.get_by_role("button", name=re.compile("^Ẩn"))
    hide.scroll_into_view_if_needed()
    box = hide.bounding_box()
    assert scroll >= client and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], box
    expect(hide).to_be_visible()


def test_search_snippets_are_not_in_monospace(live_server, page):
    ProductFactory(
        name_vi="Nước mắm Phú Quốc",
        description_vi="Nước mắm truyền thống ủ chượp cá cơm trong thùng gỗ mười hai tháng.",
    )
    page.goto(live_server("/vi/search?q=nuoc+mam"))
    snippet = page.locator(".result-card .snippet").first
    expect(snippet).to_contain_text("ủ chượp")
    family = snippet.evaluate("el => getComputedStyle(el).fontFamily")
    assert "monospace" not in family, family


def test_sort_applies_as_soon_as_it_changes(live_server, page):
    shop = ShopFactory(slug="htx-tra")
    for name, price in (("Trà sen", 1200000), ("Trà cúc", 90000), ("Trà Shan", 420000)):
        ProductFactory(shop=shop, name_vi=name, price_vnd=price, category=category("tra"))
    page.goto(live_server("/vi/c/tra"))
    page.get_by_label("Sắp xếp theo").select_option(label="Giá từ thấp đến cao")
    expect(page).to_have_url(re.compile(r"sort=price_asc"))
    names = page.locator(".product-card h3")
    expect(names).to_have_text(["Trà cúc", "Trà Shan", "Trà sen"])
    page.goto(live_server("/vi/s/htx-tra"))
    page.get_by_label("Sắp xếp theo").select_option(label="Giá từ cao đến thấp")
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    expect(names).to_have_text(["Trà sen", "Trà Shan", "Trà cúc"])


def test_hidden_products_lot_page_opens_from_its_qr_code(live_server, page):
    product = product_with_images(1, is_hidden=True)
    db.session.add(Lot(product=product, code="TC-2026-01", produced_on=date(2026, 9, 1)))
    db.session.commit()
    page.goto(live_server("/vi/lot/TC-2026-01"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lô hàng TC-2026-01")
    expect(page.get_by_role("status")).to_contain_text("không còn được bán")
    expect(page.get_by_role("button", name="Thêm vào giỏ hàng")).to_have_count(0)


SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


def test_phone_pages_keep_their_layout_while_images_load(live_server, browser):
    """Images arrive only after the page is laid out: sized boxes mean nothing moves (CLS).
    A phone as Lighthouse emulates it: 1.75 device pixels per CSS pixel."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1.75, is_mobile=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    from app.models import OcopCertificate

    product = product_with_images(3)
    db.session.add(
        OcopCertificate(
            product=product,
            certificate_no="OCOP-TEST-1",
            stars=4,
            issuer="UBND tỉnh Lào Cai",
            issued_on=date(2025, 1, 1),
            expires_on=date(2099, 1, 1),
            status="verified",
        )
    )
    product.shop.logo_key = product.images[0].key
    db.session.commit()
    held = []
    phone.add_init_script(SHIFTS)
    phone.route(re.compile(r"/(media|ocop/badge)/"), lambda route: held.append(route))
    for path in (f"/vi/p/{product.slug}", f"/vi/s/{product.shop.slug}", "/vi/"):
        phone.goto(live_server(path), wait_until="domcontentloaded")
        phone.evaluate("() => new Promise(requestAnimationFrame)")
        while held:
            held.pop().continue_()
        phone.wait_for_load_state("load")
        phone.evaluate("() => new Promise(requestAnimationFrame)")
        shift = phone.evaluate("() => window.__shift")
        assert shift < 0.05, f"{path} shifted {shift:.3f}"
    context.close()
