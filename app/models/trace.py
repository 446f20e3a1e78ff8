"""Traceability lots: where and when a product was made, from inputs to the packed lot."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import InvalidatesPageCache, UTCDateTime, utcnow
from app.models.catalog import Product
from app.models.reference import Province

CERTIFICATION_SCHEMES = ("vietgap", "organic", "globalgap", "other")


class Lot(InvalidatesPageCache, db.Model):
    """A production or harvest lot (lô hàng); its code is printed on packages and in QR codes."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("product.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    produced_on: so.Mapped[date]
    province_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("province.id"))
    commune: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    area_code: so.Mapped[str] = so.mapped_column(sa.String(60), default="")  # farm or growing area
    inputs_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    inputs_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    quantity: so.Mapped[str] = so.mapped_column(sa.String(80), default="")  # "1.200 chai 500 ml"
    is_current: so.Mapped[bool] = so.mapped_column(default=True)  # still on sale: product page
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: so.Mapped[Product] = so.relationship(
        backref=so.backref("lots", order_by="Lot.produced_on.desc()")
    )
    province: so.Mapped[Province | None] = so.relationship()
    certifications: so.Mapped[list["LotCertification"]] = so.relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotCertification.id"
    )
    steps: so.Mapped[list["LotStep"]] = so.relationship(
        back_populates="lot",
        cascade="all, delete-orphan",
        order_by=lambda: (LotStep.performed_on, LotStep.position),
    )

    def __repr__(self) -> str:
        return f"<Lot {self.code}>"


class LotCertification(InvalidatesPageCache, db.Model):
    """A certification the lot was produced under (VietGAP, organic...), with its number."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lot.id"), index=True)
    scheme: so.Mapped[str] = so.mapped_column(sa.String(20))
    number: so.Mapped[str] = so.mapped_column(sa.String(80))

    lot: so.Mapped[Lot] = so.relationship(back_populates="certifications")


class LotStep(InvalidatesPageCache, db.Model):
    """One processing step (harvest, drying, fermenting, bottling...) on a date."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lot.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    performed_on: so.Mapped[date]
    description_vi: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    description_en: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    lot: so.Mapped[Lot] = so.relationship(back_populates="steps")
