from datetime import datetime
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import Codes, InvalidatesPageCache, UTCDateTime, utcnow
from app.models.reference import Category
from app.models.shops import Shop


class ProductStatus(Codes):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"


class Product(InvalidatesPageCache, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("shop_id", "sku", name="uq_product_shop_sku"),
        sa.CheckConstraint("price_vnd > 0", name="price_positive"),
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.Index("ix_product_public_new", "status", "is_hidden", "created_at"),
        # Cover the public counts of category and shop pages (no table lookups).
        sa.Index("ix_product_category_public", "category_id", "status", "is_hidden", "shop_id"),
        sa.Index("ix_product_shop_public", "shop_id", "status", "is_hidden", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"), index=True)
    sku: so.Mapped[str] = so.mapped_column(sa.String(64))
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("category.id"), index=True)
    price_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    stock: so.Mapped[int] = so.mapped_column(default=0)
    # What one sold item is ("chai 500 ml" / "500 ml bottle"): bilingual content like the name.
    unit_vi: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    unit_en: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    weight_g: so.Mapped[int | None]
    # Label facts {code: {"vi": ..., "en": ...}} (app/catalog/facts.py).
    facts: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # GS1 trade item number, for QR links; a unique index (not a constraint: SQLite would
    # have to rebuild this much-referenced table to add one).
    gtin: so.Mapped[str | None] = so.mapped_column(sa.String(14), unique=True, index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ProductStatus.DRAFT)
    is_hidden: so.Mapped[bool] = so.mapped_column(default=False)
    # goods (shipped) | experience | stay (booked by date): app.models.bookings.ProductKind
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="goods", server_default="goods")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Moderation: when it last entered the queue, the last decision and its reason (shown to
    # staff), and the last refusal (the auto-approval policy looks at recent ones).
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    moderated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    moderation_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    last_rejected_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    shop: so.Mapped[Shop] = so.relationship()
    category: so.Mapped[Category | None] = so.relationship()
    images: so.Mapped[list["ProductImage"]] = so.relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )

    @property
    def is_public(self) -> bool:
        return self.status == ProductStatus.APPROVED and not self.is_hidden and self.shop.is_public

    @property
    def cover(self) -> Optional["ProductImage"]:
        return self.images[0] if self.images else None

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class ProductImage(InvalidatesPageCache, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("product.id"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    position: so.Mapped[int] = so.mapped_column(default=0)
    width: so.Mapped[int]
    height: so.Mapped[int]

    product: so.Mapped[Product] = so.relationship(back_populates="images")
