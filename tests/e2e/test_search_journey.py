"""Search in a real browser: the header box, its suggestions, facets, then the product."""

import re

import pytest
from playwright.sync_api import expect

from tests.search_data import make_catalog

pytestmark = pytest.mark.e2e


def test_buyer_types_without_accents_picks_a_suggestion_filters_and_opens_the_product(
    live_server, page
):
    make_catalog()

    page.goto(live_server("/vi/"))
    box = page.get_by_role("search").get_by_role("combobox")
    box.press_sequentially("nuoc mam", delay=30)

    suggestions = page.get_by_role("listbox")
    expect(suggestions).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    suggestions.get_by_role("option", name="Nước mắm Phú Quốc 40 độ đạm").click()

    expect(page).to_have_url(re.compile(r"/vi/search\?q=N%C6%B0%E1%BB%9Bc\+m%E1%BA%AFm"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nước mắm Phú Quốc 40 độ đạm")
    filters = page.get_by_role("complementary")
    filters.get_by_role("link", name="An Giang").click()

    expect(page).to_have_url(re.compile(r"province=an-giang"))
    expect(page.locator(".filter-chips").get_by_role("link")).to_have_text(re.compile("An Giang"))
    results = page.locator(".result-list").get_by_role("listitem")
    expect(results).to_have_count(1)
    results.get_by_role("heading", name="Nước mắm Phú Quốc 40 độ đạm").click()

    expect(page).to_have_url(live_server("/vi/p/nm-40"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nước mắm Phú Quốc 40 độ đạm")


def test_keyboard_picks_a_suggestion(live_server, page):
    make_catalog()

    page.goto(live_server("/en/"))
    box = page.get_by_role("search").get_by_role("combobox")
    box.press_sequentially("green te", delay=30)
    expect(page.get_by_role("option").first).to_have_text("Tan Cuong green tea")
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/en/search\?q=Tan\+Cuong\+green\+tea"))
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("listitem").first).to_contain_text("Tan Cuong green tea")


def test_search_box_works_without_javascript(live_server, browser):
    make_catalog()
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()

    page.goto(live_server("/vi/"))
    box = page.get_by_role("searchbox")
    box.fill("mat ong")
    box.press("Enter")

    expect(page).to_have_url(live_server("/vi/search?q=mat+ong"))
    results = page.locator(".result-list")
    expect(results).to_contain_text("Mật ong bạc hà Hà Giang")
    expect(results).to_contain_text("Mật ong hoa cà phê")
    context.close()
