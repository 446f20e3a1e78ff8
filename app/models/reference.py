"""Reference data: the 34 provincial units (since 1 July 2025) and the category tree."""

from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import InvalidatesPageCache


class Province(db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(2), unique=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(80))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(80))
    is_city: so.Mapped[bool] = so.mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Province {self.slug}>"


class Category(InvalidatesPageCache, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(120))
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("category.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    commission_bps: so.Mapped[int | None]  # None: the shop's or the marketplace's rate
    # Listing facts its products must carry, comma-separated codes (app/catalog/facts.py).
    required_facts: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    parent: so.Mapped[Optional["Category"]] = so.relationship(
        remote_side="Category.id", back_populates="children"
    )
    children: so.Mapped[list["Category"]] = so.relationship(
        back_populates="parent", order_by="Category.position"
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"
