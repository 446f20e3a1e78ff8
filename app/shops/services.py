"""Cooperative shops: lookups, the one staff permission check, profile changes."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.utils import secure_filename

from app.accounts.permissions import require_admin
from app.audit import record
from app.extensions import db
from app.mail import send_email
from app.media import ImageRejected, LocalStorage, check_image, delete_image, store_image
from app.models import (
    Product,
    ProductStatus,
    Province,
    Role,
    SellerKind,
    Shop,
    ShopDocument,
    ShopMember,
    ShopStatus,
    ShopVerification,
    User,
)
from app.models.base import utcnow
from app.text import slugify
from app.unit_of_work import after_commit
from app.validators import clean_reason, is_tax_code


class ShopError(ValueError):
    """A rule was broken; the message is for the user or operator."""


def shop_by_slug(slug: str) -> Shop | None:
    return db.session.scalar(sa.select(Shop).where(Shop.slug == slug))


def public_shop_by_slug(slug: str) -> Shop | None:
    shop = shop_by_slug(slug)
    return shop if shop is not None and shop.is_public else None


def public_shops_query() -> sa.Select:
    return (
        sa.select(Shop)
        .where(Shop.status == ShopStatus.ACTIVE)
        .options(so.joinedload(Shop.province))
        .order_by(Shop.name_vi)
    )


def featured_shops(limit: int = 6) -> list[Shop]:
    query = public_shops_query().order_by(None).order_by(Shop.is_featured.desc(), Shop.id)
    return list(db.session.scalars(query.limit(limit)))


def public_product_counts(shop_ids: list[int]) -> dict[int, int]:
    if not shop_ids:
        return {}
    rows = db.session.execute(
        sa.select(Product.shop_id, sa.func.count())
        .where(
            Product.shop_id.in_(shop_ids),
            Product.status == ProductStatus.APPROVED,
            Product.is_hidden.is_(False),
        )
        .group_by(Product.shop_id)
    )
    return dict(rows.all())


def all_provinces() -> list[Province]:
    return list(db.session.scalars(sa.select(Province).order_by(Province.name_vi)))


def find_province(name_or_slug: str) -> Province | None:
    """By slug (`dak-lak`) or by name, with or without accents ("Đắk Lắk", "Dak Lak")."""
    wanted = slugify(name_or_slug)
    for province in all_provinces():
        if wanted in (province.slug, slugify(province.name_vi), slugify(province.name_en)):
            return province
    return None


def is_staff_of(user: User, shop: Shop) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return any(m.shop_id == shop.id for m in user.memberships)


def require_shop_staff(user: User, shop: Shop) -> None:
    """The one permission check for every staff action on a shop's data."""
    if not is_staff_of(user, shop):
        raise Forbidden(_("You are not staff of this cooperative."))


def managed_shop(user: User, slug: str) -> Shop:
    """The shop named in a staff URL, after the permission check (404 unknown, 403 not yours)."""
    shop = shop_by_slug(slug)
    if shop is None:
        raise NotFound()
    require_shop_staff(user, shop)
    return shop


def create_shop(
    slug: str,
    name: str,
    province: Province,
    tax_code: str | None = None,
    status: str = ShopStatus.ACTIVE,
) -> Shop:
    if not slug or slugify(slug) != slug:
        raise ShopError(_("The shop address may use only a-z, 0-9 and hyphens."))
    if shop_by_slug(slug):
        raise ShopError(_("A shop with the address %(slug)s already exists.", slug=slug))
    if tax_code and not is_tax_code(tax_code):
        raise ShopError(_("A tax code has 10 digits, or 13 for a branch (0123456789-001)."))
    shop = Shop(slug=slug, name_vi=name, province=province, tax_code=tax_code, status=status)
    db.session.add(shop)
    if status == ShopStatus.ACTIVE:  # the operator created it from papers it holds
        record_verification(None, shop, "operator", VERIFICATION_CHECKS, "")
    db.session.flush()
    return shop


def add_staff(shop: Shop, user: User) -> None:
    if not any(m.shop_id == shop.id for m in user.memberships):
        db.session.add(ShopMember(shop=shop, user=user))
    if user.role == Role.BUYER:
        user.role = Role.STAFF
    db.session.flush()


PROFILE_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "tax_code",
    "province_id",
    "commune",
    "address",
    "phone",
    "member_count",
    "founded_year",
    "legal_name",
    "legal_representative",
    "seller_type",
    "owner_id_number",
)
# The facts the seller block shows and verification checks: changing one means checking again.
LEGAL_FIELDS = (
    "legal_name",
    "tax_code",
    "province_id",
    "commune",
    "address",
    "phone",
    "legal_representative",
    "seller_type",
    "owner_id_number",
)
VERIFICATION_METHODS = ("documents", "business_portal", "tax_portal", "in_person", "operator")
VERIFICATION_CHECKS = ("name", "tax_code", "address", "representative", "phone", "seller_kind")


def set_seller_type(shop: Shop, seller_type: str) -> None:
    if seller_type not in SellerKind.TYPES:
        raise ShopError(_("Choose a kind of seller from the list."))
    shop.seller_type = seller_type
    shop.seller_kind = SellerKind.TYPES[seller_type]


def legal_snapshot(shop: Shop) -> dict:
    return {field: getattr(shop, field) for field in LEGAL_FIELDS}


def record_verification(
    admin: User | None, shop: Shop, method: str, checks, notes: str
) -> ShopVerification:
    """Mark the shop's registration data verified: what was checked, how, by whom, when."""
    if method not in VERIFICATION_METHODS:
        raise ShopError(_("Choose how the data was verified."))
    checks = [c for c in checks if c in VERIFICATION_CHECKS]
    if not checks:
        raise ShopError(_("Tick what was checked."))
    now = utcnow()
    db.session.flush()
    verification = ShopVerification(
        shop_id=shop.id,
        method=method,
        checks=",".join(checks),
        notes=(notes or "").strip()[:2000],
        legal_snapshot=legal_snapshot(shop),
        verified_by_id=admin.id if admin is not None else None,
        verified_at=now,
    )
    db.session.add(verification)
    shop.verified_at = now
    shop.verified_by_id = admin.id if admin is not None else None
    shop.legal_changed_at = None
    return verification


def latest_verification(shop: Shop) -> ShopVerification | None:
    return db.session.scalar(
        sa.select(ShopVerification)
        .where(ShopVerification.shop_id == shop.id)
        .order_by(ShopVerification.verified_at.desc(), ShopVerification.id.desc())
        .limit(1)
    )


def verify_shop(admin: User, shop: Shop, method: str, checks, notes: str = "") -> None:
    """An admin's check of a shop's data; a pending registration opens with it."""
    require_admin(admin)
    record_verification(admin, shop, method, checks, notes)
    record("shop.verify", shop, actor=admin, method=method, checks=",".join(checks))
    if shop.status in (ShopStatus.PENDING, ShopStatus.REJECTED):
        decide_shop(admin, shop, "approve", "", verified=True)


def shops_awaiting_reverification() -> list[Shop]:
    return list(
        db.session.scalars(
            sa.select(Shop)
            .where(Shop.legal_changed_at.is_not(None), Shop.status == ShopStatus.ACTIVE)
            .order_by(Shop.legal_changed_at)
        )
    )


def update_profile(user: User, shop: Shop, values: dict, logo: bytes | None = None) -> None:
    """Save the profile; a new logo replaces the old one once the row is committed."""
    require_shop_staff(user, shop)
    stored = store_image(logo) if logo is not None else None  # may raise ImageRejected
    before = legal_snapshot(shop)
    for field in PROFILE_FIELDS:
        if field == "seller_type":
            set_seller_type(shop, values[field])
        else:
            setattr(shop, field, values[field])
    changed = sorted(f for f in LEGAL_FIELDS if before[f] != getattr(shop, f))
    if changed and shop.verified_at is not None:
        # New legal facts are unverified facts: the shop goes back to the admins' queue. It
        # stays open (its buyers and orders are not punished for keeping records current),
        # and its seller block says the new details are being checked.
        shop.verified_at = None
        shop.legal_changed_at = utcnow()
        record("shop.legal_change", shop, actor=user, fields=",".join(changed))
    old_logo = None
    if stored:
        old_logo, shop.logo_key = shop.logo_key, stored.key
    db.session.flush()
    if old_logo:
        after_commit(delete_image, old_logo)


# --- self-service registration and verification ----------------------------------------

DOCUMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
MAX_DOCUMENTS = 5


@dataclass
class Registration:
    name_vi: str
    name_en: str
    tax_code: str
    province_id: int
    commune: str
    address: str
    phone: str
    legal_representative: str
    legal_name: str = ""
    seller_type: str = "cooperative"


def document_storage() -> LocalStorage:
    return LocalStorage(current_app.config["DOCUMENT_DIR"])


def _check_document(filename: str, data: bytes) -> str:
    """The content type of an accepted document (PDF or image, checked by content)."""
    limit = current_app.config["MAX_DOCUMENT_BYTES"]
    if not data:
        raise ShopError(_("The file %(name)s is empty.", name=filename))
    if len(data) > limit:
        raise ShopError(
            _("%(name)s is larger than %(mb)s MB.", name=filename, mb=limit // (1024 * 1024))
        )
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        image = check_image(data)
    except ImageRejected:
        raise ShopError(
            _("%(name)s is not a PDF or an image we can read.", name=filename)
        ) from None
    if image.format not in ("JPEG", "PNG"):
        raise ShopError(_("Send documents as PDF, JPEG or PNG files."))
    return f"image/{image.format.lower()}"


def add_documents(user: User, shop: Shop, files: list[tuple[str, bytes]]) -> list[ShopDocument]:
    """Check every file first, then store them all; the caller's commit records the rows."""
    if len(files) + len(shop.documents) > MAX_DOCUMENTS:
        raise ShopError(_("Upload at most %(n)s documents.", n=MAX_DOCUMENTS))
    checked = [(name, data, _check_document(name, data)) for name, data in files]
    added = []
    for name, data, content_type in checked:
        key = secrets.token_hex(16)
        document_storage().save(key, data)
        document = ShopDocument(
            key=key,
            filename=(secure_filename(name) or "document")[:200],
            content_type=content_type,
            size_bytes=len(data),
            uploaded_by_id=user.id,
        )
        shop.documents.append(document)
        added.append(document)
    return added


def unique_shop_slug(name: str) -> str:
    base = slugify(name, max_length=70) or "htx"
    slug, n = base, 1
    while shop_by_slug(slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def register_shop(user: User, data: Registration, files: list[tuple[str, bytes]]) -> Shop:
    """A cooperative registered by its own staff: pending until an admin checks it."""
    if not user.may_register_shop:
        raise Forbidden()
    if not is_tax_code(data.tax_code):
        raise ShopError(_("A tax code has 10 digits, or 13 for a branch (0123456789-001)."))
    if not data.legal_representative:
        raise ShopError(_("Name the legal representative."))
    if not files:
        raise ShopError(_("Upload the registration certificate (PDF or photo)."))
    if db.session.get(Province, data.province_id) is None:
        raise ShopError(_("Choose a province from the list."))
    shop = Shop(
        slug=unique_shop_slug(data.name_vi or data.name_en),
        name_vi=data.name_vi,
        name_en=data.name_en,
        tax_code=data.tax_code,
        province_id=data.province_id,
        commune=data.commune,
        address=data.address,
        phone=data.phone,
        legal_representative=data.legal_representative,
        legal_name=data.legal_name,
        status=ShopStatus.PENDING,
        registered_by_id=user.id,
    )
    set_seller_type(shop, data.seller_type)
    db.session.add(shop)
    stored = []
    try:
        stored = add_documents(user, shop, files)
        db.session.add(ShopMember(shop=shop, user=user))
        if user.role == Role.BUYER:
            user.role = Role.STAFF
        record("shop.register", shop, actor=user, tax_code=data.tax_code)
        db.session.flush()
    except Exception:
        for document in stored:
            document_storage().delete(document.key)
        raise
    return shop


def shop_document(user: User, shop: Shop, document_id: int) -> ShopDocument | None:
    """A registration document, for the shop's staff and admins only."""
    require_shop_staff(user, shop)
    document = db.session.get(ShopDocument, document_id)
    return document if document is not None and document.shop_id == shop.id else None


def shops_with_tax_code(shop: Shop) -> list[Shop]:
    """Other shops registered with the same code: a possible duplicate to look at."""
    if not shop.tax_code:
        return []
    base = shop.tax_code[:10]
    return list(
        db.session.scalars(
            sa.select(Shop)
            .where(Shop.id != shop.id, Shop.tax_code.like(f"{base}%"))
            .order_by(Shop.id)
        )
    )


def notify_shop_staff(shop: Shop, compose: Callable[[str], tuple[str, str]]) -> None:
    """Mail every staff member of `shop`; compose(lang) gives (subject, text) in that language."""
    for member in shop.members:
        lang = member.user.locale if member.user.locale in ("vi", "en") else "vi"
        with force_locale(lang):
            subject, text = compose(lang)
        send_email(member.user.email, subject, text)


# status change: (allowed from, to, reason required, audit action)
SHOP_DECISIONS = {
    "approve": (
        (ShopStatus.PENDING, ShopStatus.REJECTED),
        ShopStatus.ACTIVE,
        False,
        "shop.approve",
    ),
    "reject": ((ShopStatus.PENDING,), ShopStatus.REJECTED, True, "shop.reject"),
    "suspend": ((ShopStatus.ACTIVE,), ShopStatus.SUSPENDED, True, "shop.suspend"),
    "reinstate": ((ShopStatus.SUSPENDED,), ShopStatus.ACTIVE, False, "shop.reinstate"),
}


def decide_shop(
    admin: User, shop: Shop, action: str, reason: str = "", verified: bool = False
) -> Shop:
    """Approve or reject a registration, suspend or reinstate a shop; audited and mailed.

    A suspended shop vanishes from pages, search, the API and feeds (they show active shops
    only); its open orders stay with its staff, who can still fulfil them.
    """
    require_admin(admin)
    if action not in SHOP_DECISIONS:
        raise ShopError(_("Unknown action."))
    sources, target, required, audit_action = SHOP_DECISIONS[action]
    reason = clean_reason(reason, required)
    if shop.status not in sources:
        raise ShopError(_("This cooperative's status changed meanwhile; reload the page."))
    shop.status = target
    shop.status_reason = reason
    shop.status_changed_at = utcnow()
    if action == "approve" and not verified:
        # Approving from the decision buttons: the admin checked the uploaded papers.
        record_verification(admin, shop, "documents", VERIFICATION_CHECKS, reason)
    record(audit_action, shop, actor=admin, reason=reason)
    db.session.flush()
    notify_shop_staff(shop, lambda lang: _shop_mail(shop, action, reason, lang))
    return shop


def decision_mail(subject: str, reason: str, *closing: str) -> tuple[str, str]:
    """A marketplace decision told to staff: what happened, why, then what to do next."""
    lines = [subject, ""]
    if reason:
        lines += [_("Reason: %(reason)s", reason=reason), ""]
    return subject, "\n".join([*lines, *closing])


def _shop_mail(shop: Shop, action: str, reason: str, lang: str) -> tuple[str, str]:
    name = getattr(shop, f"name_{lang}") or shop.name_vi
    subjects = {
        "approve": _("%(name)s is verified and open on Chợ HTX", name=name),
        "reject": _("The registration of %(name)s was not accepted", name=name),
        "suspend": _("%(name)s is suspended on Chợ HTX", name=name),
        "reinstate": _("%(name)s is open again on Chợ HTX", name=name),
    }
    closing = [_("Your open orders stay yours to fulfil."), ""] if action == "suspend" else []
    url = url_for("shops.manage_home", lang_code=lang, _external=True)
    return decision_mail(subjects[action], reason, *closing, url)
