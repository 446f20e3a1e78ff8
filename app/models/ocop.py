from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_method

from app.extensions import db
from app.models.base import Codes, InvalidatesPageCache, UTCDateTime, utcnow
from app.models.catalog import Product

PRODUCT_GROUPS = ("food", "beverages", "herbal", "textiles", "souvenirs", "tourism")


class CertificateStatus(Codes):
    PENDING = "pending"  # submitted by staff, waiting for an admin
    VERIFIED = "verified"
    REJECTED = "rejected"  # by an admin, with a reason the staff see
    REVOKED = "revoked"  # was verified; an admin withdrew it, with a reason


class OcopCertificate(InvalidatesPageCache, db.Model):
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
    status: so.Mapped[str] = so.mapped_column(
        sa.String(20), default=CertificateStatus.PENDING, index=True
    )
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The scan is private (staff of the shop and admins): a file name in the private store.
    scan_key: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    submitted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    rejection_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revocation_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reminder_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: so.Mapped[Product] = so.relationship(backref=so.backref("certificates"))

    @hybrid_method
    def is_valid_on(self, day: date) -> bool:
        """Verified, not revoked, and `day` within its printed dates: the badge may be shown."""
        return (
            self.status == CertificateStatus.VERIFIED and self.issued_on <= day <= self.expires_on
        )

    @is_valid_on.expression
    def is_valid_on(cls, day: date):
        return sa.and_(
            cls.status == CertificateStatus.VERIFIED, cls.issued_on <= day, cls.expires_on >= day
        )

    @property
    def scan_is_pdf(self) -> bool:
        return bool(self.scan_key) and self.scan_key.endswith(".pdf")

    def __repr__(self) -> str:
        return f"<OcopCertificate {self.certificate_no}>"
