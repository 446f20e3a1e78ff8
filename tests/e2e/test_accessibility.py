"""axe-core on the pages every buyer opens: no WCAG 2.1 A or AA violation, desktop and phone."""

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from app.models import Category
from tests.factories import ProductFactory, ShopFactory, add_image

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def catalogue():
    tea = db.session.scalar(sa.select(Category).where(Category.slug == "tra"))
    shop = ShopFactory(slug="htx-tan-cuong", name_vi="HTX Chè Tân Cương")
    for n in range(3):
        product = ProductFactory(
            shop=shop,
            slug=f"tra-{n}",
            name_vi=f"Trà Tân Cương loại {n}",
            name_en=f"Tan Cuong tea grade {n}",
            description_vi="Chè búp non sao tay, nước xanh, hậu ngọt.",
            category=tea,
        )
        for position in range(2):
            add_image(product, position, color=(40, 120 + 40 * position, 60))
    db.session.commit()
    return shop


PAGES = ["/vi/", "/vi/p/tra-0", "/vi/search?q=tra", "/vi/s/htx-tan-cuong", "/en/c/do-uong"]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_buyer_pages_have_no_wcag_21_aa_violations(live_server, browser, catalogue, viewport):
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    axe = Axe()
    try:
        page = context.new_page()
        found = {}
        for path in PAGES:
            page.goto(live_server(path))
            results = axe.run(page, options=WCAG_21_AA)
            if results.violations_count:
                found[path] = results.generate_report()
        assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())
    finally:
        context.close()
