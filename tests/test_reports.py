"""Buyers and visitors report products, shops and reviews; floods are rate-limited."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Report, ReportStatus, Review, ShopStatus
from tests.admin_data import text_of
from tests.factories import ProductFactory, ShopFactory, UserFactory


def reports() -> list[Report]:
    return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


@pytest.fixture
def product():
    return ProductFactory(name_vi="Nước mắm", name_en="Fish sauce")


def test_product_page_links_to_the_report_form(client, product):
    html = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert f"/en/report/product/{product.id}" in html
    assert "Report this product" in html


def test_visitor_reports_a_product_with_a_reason_and_text(client, product):
    form = client.get(f"/en/report/product/{product.id}")
    assert form.status_code == 200 and "Counterfeit" in text_of(form)
    response = client.post(
        f"/en/report/product/{product.id}", data={"reason": "counterfeit", "text": "Nhãn giả"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/p/{product.slug}")
    (report,) = reports()
    assert (report.target_type, report.target_id, report.reason, report.text) == (
        "product",
        product.id,
        "counterfeit",
        "Nhãn giả",
    )
    assert report.status == ReportStatus.OPEN and report.reporter_id is None


def test_signed_in_buyer_reports_a_shop(client, auth, product):
    user = UserFactory(email="buyer@example.com")
    auth.login("buyer@example.com")
    client.post(f"/en/report/shop/{product.shop.id}", data={"reason": "spam"})
    (report,) = reports()
    assert report.target_type == "shop" and report.reporter_id == user.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a reason"),
        ({"reason": "bribery"}, "Not a valid choice"),
        ({"reason": "other", "text": ""}, "Describe the problem"),
        ({"reason": "spam", "text": "x" * 1001}, "at most 1,000 characters"),
    ],
)
def test_bad_reports_are_refused_with_a_message(client, product, data, message):
    response = client.post(f"/en/report/product/{product.id}", data=data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert reports() == []


def test_forged_or_hidden_targets_cannot_be_reported(client, product):
    suspended = ShopFactory(status=ShopStatus.SUSPENDED)
    for url in (
        "/en/report/product/99999",
        "/en/report/shop/99999",
        "/en/report/review/99999",
        "/en/report/user/1",
        f"/en/report/shop/{suspended.id}",
    ):
        assert client.post(url, data={"reason": "spam"}).status_code == 404, url
    assert reports() == []


def test_a_review_can_be_reported(client, product):
    review = Review(product_id=product.id, user_id=UserFactory().id, rating=1, body="Tệ")
    db.session.add(review)
    db.session.commit()
    response = client.post(f"/en/report/review/{review.id}", data={"reason": "offensive"})
    assert response.status_code == 302
    assert reports()[0].target_type == "review"


def test_a_flood_of_reports_from_one_client_is_rate_limited_with_a_clear_page(client, product):
    url = f"/en/report/product/{product.id}"
    for _ in range(5):
        assert client.post(url, data={"reason": "spam"}).status_code == 302
    response = client.post(url, data={"reason": "spam"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = text_of(response)
    assert "Too many requests" in page
    assert re.search(r"try again in \d+ seconds?", page)
    assert len(reports()) == 5
    assert client.get(url).status_code == 200  # reading the form is not limited
