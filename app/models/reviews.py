"""Buyers' reviews of products they received, with one answer from the shop."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, InvalidatesPageCache, UTCDateTime, utcnow
from app.models.catalog import Product


class ReviewStatus(Codes):
    VISIBLE = "visible"
    HIDDEN = "hidden"  # by an admin, after a report or on review


class Review(InvalidatesPageCache, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("product_id", "user_id", name="uq_review_product_user"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        sa.Index("ix_review_product_status", "product_id", "status", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    rating: so.Mapped[int]
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    lang: so.Mapped[str] = so.mapped_column(sa.String(5), default="vi")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ReviewStatus.VISIBLE)
    moderation_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reply: so.Mapped[str | None] = so.mapped_column(sa.Text)
    replied_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    replied_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: so.Mapped[Product] = so.relationship()
    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    @property
    def is_visible(self) -> bool:
        return self.status == ReviewStatus.VISIBLE
