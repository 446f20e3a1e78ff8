"""Reviews: who may write one (buyers who received the product), edits, answers, moderation."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from app.accounts.permissions import require_admin
from app.audit import record
from app.extensions import db
from app.models import (
    Order,
    OrderLine,
    Product,
    Review,
    ReviewStatus,
    Shop,
    ShopOrder,
    User,
)
from app.models.base import utcnow
from app.orders.states import RECEIVED
from app.shops.services import require_shop_staff
from app.validators import clean_reason

MAX_BODY = 4000
MAX_REPLY = 2000


class ReviewError(ValueError):
    """A review rule was broken; the message is for the user."""


@dataclass(frozen=True)
class Rating:
    average: float
    count: int


def has_received(user: User, product: Product) -> bool:
    """A buyer may review a product once one of their shop orders with it is delivered."""
    if not user.is_authenticated:
        return False
    delivered = (
        sa.select(OrderLine.id)
        .join(ShopOrder, OrderLine.shop_order_id == ShopOrder.id)
        .join(Order, ShopOrder.order_id == Order.id)
        .where(
            Order.buyer_id == user.id,
            OrderLine.product_id == product.id,
            ShopOrder.status.in_(RECEIVED),
        )
        .limit(1)
    )
    return db.session.scalar(delivered) is not None


def review_by(user: User, product: Product) -> Review | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Review).where(Review.product_id == product.id, Review.user_id == user.id)
    )


def edit_deadline(review: Review):
    return review.created_at + timedelta(days=current_app.config["REVIEW_EDIT_DAYS"])


def can_edit(review: Review) -> bool:
    return utcnow() <= edit_deadline(review)


def save_review(user: User, product: Product, rating: int, body: str, lang: str) -> Review:
    """Write the buyer's one review of `product`, or edit it within REVIEW_EDIT_DAYS."""
    if not has_received(user, product):
        raise ReviewError(_("Only buyers who received this product can review it."))
    if rating not in range(1, 6):
        raise ReviewError(_("Choose a rating from 1 to 5 stars."))
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise ReviewError(_("A review has at most %(n)s characters.", n=MAX_BODY))
    if lang not in current_app.config["LANGUAGES"]:
        raise ReviewError(_("Choose the language you wrote in."))
    review = review_by(user, product)
    if review is None:
        review = Review(product_id=product.id, user_id=user.id)
        db.session.add(review)
    elif not can_edit(review):
        raise ReviewError(
            _(
                "A review can be changed for %(n)s days only.",
                n=current_app.config["REVIEW_EDIT_DAYS"],
            )
        )
    review.rating, review.body, review.lang = rating, body, lang
    db.session.flush()
    return review


def reply_to(user: User, review: Review, text: str) -> Review:
    """The shop answers a review once; the answer cannot be changed afterwards."""
    require_shop_staff(user, review.product.shop)
    text = (text or "").strip()
    if review.reply is not None:
        raise ReviewError(_("This review already has the shop's answer."))
    if not text:
        raise ReviewError(_("Write an answer."))
    if len(text) > MAX_REPLY:
        raise ReviewError(_("An answer has at most %(n)s characters.", n=MAX_REPLY))
    review.reply, review.replied_at, review.replied_by_id = text, utcnow(), user.id
    db.session.flush()
    return review


def set_status(admin: User, review: Review, hidden: bool, reason: str = "") -> Review:
    """Hide a review (reason required) or show it again; audited."""
    require_admin(admin)
    reason = clean_reason(reason, required=hidden)
    review.status = ReviewStatus.HIDDEN if hidden else ReviewStatus.VISIBLE
    review.moderation_reason = reason
    record("review.hide" if hidden else "review.show", review, actor=admin, reason=reason)
    db.session.flush()
    return review


def product_rating(product: Product) -> Rating:
    average, count = db.session.execute(
        sa.select(sa.func.avg(Review.rating), sa.func.count(Review.id)).where(
            Review.product_id == product.id, Review.status == ReviewStatus.VISIBLE
        )
    ).one()
    return Rating(average=round(float(average or 0), 1), count=count)


def product_reviews_query(product: Product) -> sa.Select:
    return (
        sa.select(Review)
        .where(Review.product_id == product.id, Review.status == ReviewStatus.VISIBLE)
        .options(so.joinedload(Review.user))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )


def shop_reviews_query(shop: Shop) -> sa.Select:
    return (
        sa.select(Review)
        .join(Review.product)
        .where(Product.shop_id == shop.id)
        .options(so.contains_eager(Review.product), so.joinedload(Review.user))
        .order_by(Review.reply.is_not(None), Review.created_at.desc())
    )


def all_reviews_query(status: str | None = None) -> sa.Select:
    query = (
        sa.select(Review)
        .options(so.joinedload(Review.product), so.joinedload(Review.user))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    if status in (ReviewStatus.VISIBLE, ReviewStatus.HIDDEN):
        query = query.where(Review.status == status)
    return query
