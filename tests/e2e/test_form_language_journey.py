"""A Vietnamese buyer who gets a form wrong reads why in Vietnamese, numbers written the
Vietnamese way; the same form on the English site answers in English."""

import pytest
from playwright.sync_api import expect

from tests.factories import ShopFactory, staff_of

pytestmark = pytest.mark.e2e


def test_registration_errors_are_in_vietnamese_on_the_vietnamese_site(live_server, page):
    page.goto(live_server("/vi/register"))
    page.get_by_label("Họ và tên").fill("")
    page.get_by_label("Email").fill("lan-at-example")
    page.get_by_label("Mật khẩu").fill("ngan")
    page.get_by_role("button", name="Tạo tài khoản").click()

    expect(page.get_by_text("Vui lòng điền mục này.")).to_be_visible()
    expect(page.get_by_text("Địa chỉ email không hợp lệ.")).to_be_visible()
    expect(page.get_by_text("Nhập từ 8 đến 128 ký tự.")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_have_count(0)


def test_a_price_out_of_range_is_explained_with_vietnamese_numbers(live_server, page):
    from app.extensions import db

    shop = ShopFactory(slug="htx-ea-tu")
    staff_of(shop, email="staff@example.com")
    db.session.commit()
    page.goto(live_server("/vi/login"))
    page.get_by_label("Email").fill("staff@example.com")
    page.get_by_label("Mật khẩu").fill("password123")
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(live_server("/vi/manage/htx-ea-tu/products/new"))
    page.get_by_label("SKU", exact=True).fill("CF-01")
    page.get_by_label("Tên (tiếng Việt)").fill("Cà phê rang mộc")
    page.get_by_label("Giá (đồng)").fill("0")
    page.get_by_role("button", name="Lưu và đăng bán").click()

    expect(page.get_by_text("Nhập một số từ 1 đến 10.000.000.000.")).to_be_visible()


def test_the_english_site_answers_in_english(live_server, page):
    page.goto(live_server("/en/register"))
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Enter between 8 and 128 characters.")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_have_count(2)  # name and email
