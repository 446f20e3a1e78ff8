"""Trade fairs: an organiser's bilingual showcase page, its exhibitors, sections and schedule."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, InvalidatesPageCache, UTCDateTime, utcnow
from app.models.catalog import Product
from app.models.reference import Province
from app.models.shops import Shop


class FairStatus(Codes):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


FairStatus.PUBLIC = (
    FairStatus.PUBLISHED,
    FairStatus.ARCHIVED,
)  # an archived fair keeps its page (posters still link it)


class ExhibitorStatus(Codes):
    INVITED = "invited"  # the organiser asked; the shop's staff answer
    APPLIED = "applied"  # the shop asked; the organiser answers
    ACCEPTED = "accepted"
    DECLINED = "declined"


class SectionKind(Codes):
    TEXT = "text"
    PRODUCTS = "products"
    EXHIBITORS = "exhibitors"
    SCHEDULE = "schedule"
    BOOTH_MAP = "booth_map"
    GALLERY = "gallery"
    SHOP = "shop"


class Fair(InvalidatesPageCache, db.Model):
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    organiser_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    description_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    theme_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    theme_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    starts_on: so.Mapped[date]
    ends_on: so.Mapped[date]
    province_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("province.id"))
    address: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    map_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    cover_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=FairStatus.DRAFT, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organiser: so.Mapped[User] = so.relationship()
    province: so.Mapped[Province | None] = so.relationship()
    sections: so.Mapped[list["FairSection"]] = so.relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="FairSection.position"
    )
    exhibitors: so.Mapped[list["FairExhibitor"]] = so.relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="FairExhibitor.id"
    )
    events: so.Mapped[list["ScheduleEvent"]] = so.relationship(
        back_populates="fair", cascade="all, delete-orphan", order_by="ScheduleEvent.starts_at"
    )

    @property
    def is_public(self) -> bool:
        return self.status in FairStatus.PUBLIC

    def __repr__(self) -> str:
        return f"<Fair {self.slug}>"


class FairSection(InvalidatesPageCache, db.Model):
    """One block of the fair page, in the order the organiser arranged."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fair.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    body_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # sanitised HTML
    body_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    image_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))  # the booth map

    fair: so.Mapped[Fair] = so.relationship(back_populates="sections")
    images: so.Mapped[list["FairImage"]] = so.relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="FairImage.position"
    )


class FairImage(InvalidatesPageCache, db.Model):
    """A picture of a gallery section."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fair_section.id", ondelete="CASCADE"), index=True
    )
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    position: so.Mapped[int] = so.mapped_column(default=0)
    caption_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    caption_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    section: so.Mapped[FairSection] = so.relationship(back_populates="images")


class FairExhibitor(InvalidatesPageCache, db.Model):
    """A cooperative at a fair: invited or applied, then accepted or declined; booth and hall."""

    __table_args__ = (sa.UniqueConstraint("fair_id", "shop_id", name="uq_fair_exhibitor_shop"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fair.id", ondelete="CASCADE"), index=True
    )
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ExhibitorStatus.INVITED)
    booth: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    hall: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    responded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    fair: so.Mapped[Fair] = so.relationship(back_populates="exhibitors")
    shop: so.Mapped[Shop] = so.relationship()
    featured: so.Mapped[list["FairFeaturedProduct"]] = so.relationship(
        back_populates="exhibitor",
        cascade="all, delete-orphan",
        order_by="FairFeaturedProduct.position",
    )


class FairFeaturedProduct(InvalidatesPageCache, db.Model):
    """A product an exhibitor shows on the fair page (only approved products of its shop)."""

    exhibitor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fair_exhibitor.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)

    exhibitor: so.Mapped[FairExhibitor] = so.relationship(back_populates="featured")
    product: so.Mapped[Product] = so.relationship()


class ScheduleEvent(InvalidatesPageCache, db.Model):
    __table_args__ = (
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="times_in_order"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    fair_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fair.id", ondelete="CASCADE"), index=True
    )
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    place: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    speaker: so.Mapped[str] = so.mapped_column(sa.String(120), default="")

    fair: so.Mapped[Fair] = so.relationship(back_populates="events")
