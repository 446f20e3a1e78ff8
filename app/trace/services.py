"""Traceability lots: staff record them, buyers scan the QR code on the package to see them."""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for
from flask_babel import gettext as _

from app.audit import record
from app.extensions import db
from app.models import (
    Lot,
    LotCertification,
    LotStep,
    Product,
    ProductStatus,
    Province,
    Shop,
    User,
)
from app.models.trace import CERTIFICATION_SCHEMES
from app.qr import qr_file
from app.shops.services import require_shop_staff
from app.validators import gtin14, is_gtin

LOT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MAX_CURRENT_LOTS = 5  # on the product page


class LotError(ValueError):
    """A rule was broken; the message is for the user, `field` names the form field."""

    def __init__(self, message: str, field: str = "code"):
        super().__init__(message)
        self.field = field


@dataclass
class StepInput:
    performed_on: date
    description_vi: str
    description_en: str


@dataclass
class LotInput:
    product_id: int
    code: str
    produced_on: date
    province_id: int | None
    commune: str
    area_code: str
    inputs_vi: str
    inputs_en: str
    quantity: str
    is_current: bool = True
    certifications: list[tuple[str, str]] = field(default_factory=list)  # (scheme, number)
    steps: list[StepInput] = field(default_factory=list)


# --- public -----------------------------------------------------------------------------


# A listing that reached review may have QR labels printed for it; a draft has not.
LOT_PUBLIC_STATUSES = (
    ProductStatus.APPROVED,
    ProductStatus.PENDING,
    ProductStatus.CHANGES_REQUESTED,
)


def public_lot(code: str) -> Lot | None:
    """A lot whose QR code may be scanned: its labels stay on packages after the product is
    hidden, sold out or its shop suspended, so the page outlives the product page (it then
    says the product is no longer sold). Lots of drafts and refused listings stay private."""
    lot = db.session.scalar(
        sa.select(Lot)
        .where(Lot.code == code)
        .options(so.selectinload(Lot.steps), so.selectinload(Lot.certifications))
    )
    return lot if lot is not None and lot.product.status in LOT_PUBLIC_STATUSES else None


def lot_by_gtin(gtin: str, code: str) -> Lot | None:
    """The lot a GS1 Digital Link names: the product by its GTIN, then its lot by code.

    Products keep the 14-digit form; a link may carry the GTIN-8, -12 or -13 form.
    """
    if not is_gtin(gtin):
        return None
    return db.session.scalar(
        sa.select(Lot).join(Lot.product).where(Product.gtin == gtin14(gtin), Lot.code == code)
    )


def current_lots(product: Product) -> list[Lot]:
    return [lot for lot in product.lots if lot.is_current][:MAX_CURRENT_LOTS]


def qr_url(lot: Lot) -> str:
    """What the QR code holds: a GS1 Digital Link when the product has a GTIN, else the page."""
    if lot.product.gtin:
        return url_for(
            "trace_gs1.digital_link", gtin=lot.product.gtin, code=lot.code, _external=True
        )
    return url_for("trace.lot_page", lang_code="vi", code=lot.code, _external=True)


def qr_image(lot: Lot, kind: str) -> bytes:
    """The lot's QR code as SVG or PNG (error correction M: survives a scuffed label)."""
    if kind == "svg":
        return qr_file(
            qr_url(lot), "svg", scale=4, border=4, title=_("Lot %(code)s", code=lot.code)
        )
    return qr_file(qr_url(lot), "png", scale=8, border=4)


# --- staff ------------------------------------------------------------------------------


def staff_lots_query(shop: Shop) -> sa.Select:
    return (
        sa.select(Lot)
        .join(Lot.product)
        .where(Product.shop_id == shop.id)
        .options(so.contains_eager(Lot.product))
        .order_by(Lot.produced_on.desc(), Lot.id.desc())
    )


def shop_lot(user: User, shop: Shop, lot_id: int) -> Lot | None:
    """A lot of this shop's products for its staff; another shop's lot is not found."""
    require_shop_staff(user, shop)
    lot = db.session.get(Lot, lot_id)
    return lot if lot is not None and lot.product.shop_id == shop.id else None


def _check(shop: Shop, data: LotInput, lot: Lot | None = None) -> Product:
    product = db.session.get(Product, data.product_id)
    if product is None or product.shop_id != shop.id:
        raise LotError(_("Choose one of this cooperative's products."), "product_id")
    if not LOT_CODE.fullmatch(data.code):
        raise LotError(_("A lot code uses letters, digits, dot, dash or underscore (at most 40)."))
    taken = db.session.scalar(sa.select(Lot).where(Lot.code == data.code))
    if taken is not None and taken is not lot:
        raise LotError(_("Lot code %(code)s is already used on Chợ HTX.", code=data.code))
    if data.province_id is not None and db.session.get(Province, data.province_id) is None:
        raise LotError(_("Choose a province from the list."), "province_id")
    for scheme, _number in data.certifications:
        if scheme not in CERTIFICATION_SCHEMES:
            raise LotError(_("Choose a certification scheme from the list."), "certifications")
    return product


def _apply(lot: Lot, product: Product, data: LotInput) -> None:
    lot.product = product
    for name in (
        "code",
        "produced_on",
        "province_id",
        "commune",
        "area_code",
        "inputs_vi",
        "inputs_en",
        "quantity",
        "is_current",
    ):
        setattr(lot, name, getattr(data, name))
    lot.certifications = [LotCertification(scheme=s, number=n) for s, n in data.certifications]
    lot.steps = [
        LotStep(
            position=position,
            performed_on=step.performed_on,
            description_vi=step.description_vi,
            description_en=step.description_en,
        )
        for position, step in enumerate(data.steps)
    ]


def create_lot(user: User, shop: Shop, data: LotInput) -> Lot:
    require_shop_staff(user, shop)
    product = _check(shop, data)
    lot = Lot()
    _apply(lot, product, data)
    db.session.add(lot)
    db.session.flush()
    record("lot.create", lot, actor=user, label=lot.code, product=product.sku)
    db.session.flush()
    return lot


def update_lot(user: User, lot: Lot, data: LotInput) -> Lot:
    shop = lot.product.shop
    require_shop_staff(user, shop)
    product = _check(shop, data, lot)
    _apply(lot, product, data)
    record("lot.update", lot, actor=user, label=lot.code, product=product.sku)
    db.session.flush()
    return lot


def add_lot(product: Product, data: LotInput) -> Lot:
    """A lot the operator enters (demo data); the caller commits."""
    lot = Lot()
    _apply(lot, product, data)
    db.session.add(lot)
    return lot
