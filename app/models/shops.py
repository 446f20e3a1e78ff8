from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import Codes, InvalidatesPageCache, UTCDateTime, utcnow
from app.models.reference import Province


class ShopStatus(Codes):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


class Shop(InvalidatesPageCache, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    name_en: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    tax_code: so.Mapped[str | None] = so.mapped_column(sa.String(14))
    province_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("province.id"), index=True)
    commune: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    phone: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    member_count: so.Mapped[int | None]
    founded_year: so.Mapped[int | None]
    logo_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ShopStatus.ACTIVE, index=True)
    is_featured: so.Mapped[bool] = so.mapped_column(default=False)
    # Payouts: commission and minimum overrides (None: the marketplace default), bank details
    # for the batch file, and the Stripe Connect account once the shop has onboarded.
    commission_bps: so.Mapped[int | None]
    payout_minimum_vnd: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    payout_bank_bin: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    payout_account_no: so.Mapped[str | None] = so.mapped_column(sa.String(34))
    payout_account_holder: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    stripe_account_id: so.Mapped[str | None] = so.mapped_column(
        sa.String(64), unique=True, index=True
    )
    stripe_payouts_enabled: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Verification: who registered it, who checked its documents, and why it was refused
    # or suspended (shown to its staff).
    legal_representative: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    registered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    status_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status_changed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The seller as the law knows it: registered name, what kind of seller (who declares the
    # tax), the owner's ID number for a household seller without a tax code (private), and
    # when staff last changed these facts (they then wait for a new verification).
    legal_name: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    seller_kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="organisation")
    seller_type: so.Mapped[str] = so.mapped_column(sa.String(30), default="cooperative")
    owner_id_number: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    legal_changed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    province: so.Mapped[Province] = so.relationship()
    members: so.Mapped[list["ShopMember"]] = so.relationship(
        back_populates="shop", cascade="all, delete-orphan"
    )
    documents: so.Mapped[list["ShopDocument"]] = so.relationship(
        back_populates="shop", cascade="all, delete-orphan", order_by="ShopDocument.id"
    )

    @property
    def is_public(self) -> bool:
        return self.status == ShopStatus.ACTIVE

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def registered_name(self) -> str:
        """The name on the registration certificate (the shop name until staff enter one)."""
        return self.legal_name or self.name_vi or self.name_en

    @property
    def full_address(self) -> str:
        parts = [self.address, self.commune, self.province.name_vi if self.province else ""]
        return ", ".join(p for p in parts if p)

    def __repr__(self) -> str:
        return f"<Shop {self.slug}>"


class ShopMember(db.Model):
    """A staff user of a cooperative: staff may belong to several shops."""

    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    shop: so.Mapped[Shop] = so.relationship(back_populates="members")
    user: so.Mapped["User"] = so.relationship(back_populates="memberships")  # noqa: F821


class ShopDocument(db.Model):
    """A registration paper (licence, tax certificate) uploaded by staff; private to the
    shop's staff and admins, stored outside the public upload folder."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(200))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(60))
    size_bytes: so.Mapped[int]
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    shop: so.Mapped[Shop] = so.relationship(back_populates="documents")
