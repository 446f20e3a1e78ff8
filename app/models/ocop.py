from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import UTCDateTime, utcnow
from app.models.catalog import Product

PRODUCT_GROUPS = ("food", "beverages", "herbal", "textiles", "souvenirs", "tourism")


class OcopCertificate(db.Model):
    """An OCOP certificate as issued: its real dates are stored, never derived."""

    __table_args__ = (sa.CheckConstraint("stars BETWEEN 3 AND 5", name="stars_3_to_5"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("product.id"), index=True)
    certificate_no: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    stars: so.Mapped[int]
    issuer: so.Mapped[str] = so.mapped_column(sa.String(200))
    issued_on: so.Mapped[date]
    expires_on: so.Mapped[date]
    product_group: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending")
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    product: so.Mapped[Product] = so.relationship(backref=so.backref("certificates"))

    def is_valid_on(self, day: date) -> bool:
        return self.status == "verified" and self.issued_on <= day <= self.expires_on
