"""Reviews: only buyers who received a product, once per product, editable for 30 days."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Review, ReviewStatus, ShopOrderStatus
from app.models.base import utcnow
from tests.admin_data import shop_order, text_of
from tests.factories import ProductFactory, UserFactory, staff_of


def reviews() -> list[Review]:
    return list(db.session.scalars(sa.select(Review).order_by(Review.id)))


@pytest.fixture
def product():
    return ProductFactory(name_vi="Cà phê Robusta", name_en="Robusta coffee")


@pytest.fixture
def buyer(auth):
    user = UserFactory(email="buyer@example.com", name="Chị Lan")
    auth.login("buyer@example.com")
    return user


def write(client, product, follow_redirects=False, **data):
    return client.post(
        f"/en/p/{product.slug}/review",
        data={"rating": "5", "lang": "vi", **data},
        follow_redirects=follow_redirects,
    )


def test_buyer_with_a_delivered_order_reviews_the_product(client, product, buyer):
    shop_order(buyer, product, status=ShopOrderStatus.DELIVERED)
    page = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "Write a review" in page
    response = write(client, product, rating="4", body="Thơm, đậm vị.")
    assert response.status_code == 302
    (review,) = reviews()
    assert (review.rating, review.body, review.lang, review.user_id) == (
        4,
        "Thơm, đậm vị.",
        "vi",
        buyer.id,
    )


@pytest.mark.parametrize(
    "status", [ShopOrderStatus.PAID, ShopOrderStatus.SHIPPED, ShopOrderStatus.CANCELLED]
)
def test_buyers_whose_order_is_not_delivered_cannot_review(client, product, buyer, status):
    shop_order(buyer, product, status=status)
    assert "Write a review" not in client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    response = write(client, product, follow_redirects=True)
    assert "Only buyers who received this product can review it." in text_of(response)
    assert reviews() == []


def test_a_buyer_of_another_product_cannot_review_this_one(client, product, buyer):
    shop_order(buyer, ProductFactory(), status=ShopOrderStatus.COMPLETED)
    response = write(client, product)
    assert response.status_code == 302
    assert reviews() == []


def test_strangers_must_sign_in_to_review(client, product):
    response = write(client, product)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert reviews() == []


def test_one_review_per_product_a_second_post_edits_it(client, product, buyer):
    shop_order(buyer, product)
    shop_order(buyer, product)  # bought twice: still one review
    write(client, product, rating="2", body="Chưa ngon")
    write(client, product, rating="5", body="Lần hai ngon hơn", lang="en")
    (review,) = reviews()
    assert (review.rating, review.body, review.lang) == (5, "Lần hai ngon hơn", "en")


def test_a_review_is_editable_for_30_days_only(client, product, buyer):
    shop_order(buyer, product)
    write(client, product, rating="3", body="Tạm được")
    review = reviews()[0]
    review.created_at = utcnow() - timedelta(days=29, hours=23)
    db.session.commit()
    assert write(client, product, rating="4").status_code == 302
    db.session.refresh(review)
    assert review.rating == 4
    review.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    response = write(client, product, rating="1", follow_redirects=True)
    assert "can no longer be changed" in text_of(response)
    db.session.refresh(review)
    assert review.rating == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "9"}, "Not a valid choice"),
        ({"rating": ""}, "Choose a rating"),
        ({"body": "x" * 4001}, "at most 4,000 characters"),
        ({"lang": "fr"}, "Not a valid choice"),
    ],
)
def test_bad_reviews_are_refused_with_a_message(client, product, buyer, data, message):
    shop_order(buyer, product)
    response = write(client, product, **data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert reviews() == []


def test_product_page_shows_average_paginated_reviews_and_aggregate_rating(app, client, product):
    app.config["PER_PAGE"] = 10  # the one page-size setting of every HTML list
    for n, rating in enumerate([5, 4, 4, 3] + [5] * 8):
        user = UserFactory(name=f"Người mua {n}")
        db.session.add(
            Review(product_id=product.id, user_id=user.id, rating=rating, body=f"Ý kiến số {n}")
        )
    hidden_author = UserFactory()
    db.session.add(
        Review(
            product_id=product.id,
            user_id=hidden_author.id,
            rating=1,
            body="Ẩn",
            status=ReviewStatus.HIDDEN,
        )
    )
    db.session.commit()
    html = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "4.7 out of 5, from 12 reviews" in text_of(client.get(f"/en/p/{product.slug}"))
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Product"
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.7,
        "reviewCount": 12,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert html.count('class="review"') == 10
    assert "Ẩn" not in text_of(client.get(f"/en/p/{product.slug}"))
    second = client.get(f"/en/p/{product.slug}?page=2").get_data(as_text=True)
    assert second.count('class="review"') == 2


def test_no_aggregate_rating_without_reviews(client, product):
    html = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "aggregateRating" not in html
    assert "No reviews yet" in html


def test_new_review_shows_on_the_cached_product_page_at_once(client, product):
    from app.page_cache import cache

    author = UserFactory()
    assert "No reviews yet" in client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert len(cache().entries) == 1  # anonymous visitors get the cached page
    db.session.add(Review(product_id=product.id, user_id=author.id, rating=5, body="Tuyệt"))
    db.session.commit()
    assert len(cache().entries) == 0
    assert "Tuyệt" in client.get(f"/en/p/{product.slug}").get_data(as_text=True)


def test_the_shop_answers_a_review_once(client, auth, product):
    review = Review(product_id=product.id, user_id=UserFactory().id, rating=2, body="Giao chậm")
    db.session.add(review)
    db.session.commit()
    staff_of(product.shop, email="staff@example.com")
    auth.login("staff@example.com")
    assert "Giao chậm" in text_of(client.get(f"/en/manage/{product.shop.slug}/reviews"))
    url = f"/en/manage/{product.shop.slug}/reviews/{review.id}/reply"
    client.post(url, data={"reply": "Xin lỗi chị, lần sau sẽ nhanh hơn."})
    client.post(url, data={"reply": "Sửa lại câu trả lời"})
    db.session.refresh(review)
    assert review.reply == "Xin lỗi chị, lần sau sẽ nhanh hơn."
    assert "Xin lỗi chị" in text_of(client.get(f"/en/p/{product.slug}"))


def test_staff_of_another_shop_cannot_answer(client, auth, product):
    review = Review(product_id=product.id, user_id=UserFactory().id, rating=2)
    db.session.add(review)
    db.session.commit()
    other = ProductFactory().shop
    staff_of(other, email="other@example.com")
    auth.login("other@example.com")
    assert (
        client.post(
            f"/en/manage/{product.shop.slug}/reviews/{review.id}/reply", data={"reply": "Hi"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/en/manage/{other.slug}/reviews/{review.id}/reply", data={"reply": "Hi"}
        ).status_code
        == 404
    )
    db.session.refresh(review)
    assert review.reply is None


def test_admin_hides_and_shows_a_review_with_audit(client, auth, product):
    review = Review(product_id=product.id, user_id=UserFactory().id, rating=1, body="Lời lẽ xấu")
    db.session.add(review)
    db.session.commit()
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    assert client.post(f"/en/admin/reviews/{review.id}", data={"action": "hide"}).status_code == 302
    db.session.refresh(review)
    assert review.status == ReviewStatus.VISIBLE  # a reason is required
    client.post(f"/en/admin/reviews/{review.id}", data={"action": "hide", "reason": "Xúc phạm"})
    db.session.refresh(review)
    assert review.status == ReviewStatus.HIDDEN
    assert "Lời lẽ xấu" not in text_of(client.get(f"/en/p/{product.slug}"))
    client.post(f"/en/admin/reviews/{review.id}", data={"action": "show"})
    db.session.refresh(review)
    assert review.status == ReviewStatus.VISIBLE
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["review.hide", "review.show"]
