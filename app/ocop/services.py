"""OCOP certificates: the one rule for "valid today", the staff/admin workflow, scans, reminders.

Everything that shows an OCOP badge (product and shop pages, the API, search documents, the
feeds) asks this module which certificate of a product counts today, so that a certificate
stops counting on the day after its expiry date everywhere at once, without any job.
"""

import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for
from flask_babel import gettext as _
from PIL import Image, ImageOps
from werkzeug.exceptions import Forbidden

from app.accounts.permissions import require_admin
from app.audit import record
from app.catalog.services import public_products_query
from app.extensions import db
from app.i18n import format_date, localized
from app.media import LocalStorage, check_image
from app.models import (
    CertificateStatus,
    OcopCertificate,
    Product,
    Province,
    Shop,
    User,
)
from app.models.base import VIETNAM, utcnow, vietnam_today
from app.models.ocop import PRODUCT_GROUPS
from app.notifications.services import notify, staff_of
from app.shops.services import (
    decision_mail,
    is_staff_of,
    require_shop_staff,
)
from app.unit_of_work import after_commit, commit_step, rollback

REMIND_DAYS_BEFORE = 60
PDF_MAGIC = b"%PDF-"
SCAN_LONGEST_SIDE = 2400  # legible when an admin compares it with the data


class OcopError(ValueError):
    """A rule was broken; the message is for the user, `field` names the form field."""

    def __init__(self, message: str, field: str = "certificate_no"):
        super().__init__(message)
        self.field = field


# --- which certificate counts -----------------------------------------------------------


def _rank(certificate: OcopCertificate) -> tuple:
    return (certificate.stars, certificate.expires_on, certificate.id or 0)


def valid_certificate(product: Product, day: date | None = None) -> OcopCertificate | None:
    """The certificate a product's badge shows on `day` (today): the best valid one, or None.

    Valid means verified (so neither pending, rejected nor revoked) and `day` within its
    issue and expiry dates; with several, the most stars and then the latest expiry win.
    """
    day = day or vietnam_today()
    valid = [c for c in product.certificates if c.is_valid_on(day)]
    return max(valid, key=_rank) if valid else None


def valid_certificates(
    product_ids: Iterable[int], day: date | None = None, session: so.Session | None = None
) -> dict[int, OcopCertificate]:
    """valid_certificate for many products in one query: {product_id: certificate}."""
    ids = list(product_ids)
    if not ids:
        return {}
    session = session or db.session
    day = day or vietnam_today()
    best: dict[int, OcopCertificate] = {}
    query = sa.select(OcopCertificate).where(
        OcopCertificate.product_id.in_(ids), OcopCertificate.is_valid_on(day)
    )
    for certificate in session.scalars(query):
        current = best.get(certificate.product_id)
        if current is None or _rank(certificate) > _rank(current):
            best[certificate.product_id] = certificate
    return best


def certificate_state(certificate: OcopCertificate, day: date | None = None) -> str:
    """What the badge and the verify page say: valid, expired, not_yet_valid, revoked..."""
    day = day or vietnam_today()
    if certificate.status != CertificateStatus.VERIFIED:
        return certificate.status
    if day > certificate.expires_on:
        return "expired"
    if day < certificate.issued_on:
        return "not_yet_valid"
    return "valid"


def public_certificate(certificate_no: str) -> OcopCertificate | None:
    """A certificate the public may look up: verified (valid or expired) or revoked."""
    certificate = db.session.scalar(
        sa.select(OcopCertificate).where(OcopCertificate.certificate_no == certificate_no)
    )
    if certificate is None or certificate.status not in (
        CertificateStatus.VERIFIED,
        CertificateStatus.REVOKED,
    ):
        return None
    return certificate


def certified_products_query(
    province: str | None = None,
    stars: int | None = None,
    group: str | None = None,
    day: date | None = None,
) -> sa.Select:
    """Public products with a certificate valid on `day` (with these stars, in this group)."""
    valid = sa.select(OcopCertificate.product_id).where(
        OcopCertificate.is_valid_on(day or vietnam_today())
    )
    if stars:
        valid = valid.where(OcopCertificate.stars == stars)
    if group:
        valid = valid.where(OcopCertificate.product_group == group)
    query = public_products_query().where(Product.id.in_(valid))
    if province:
        query = query.where(
            Shop.province_id.in_(sa.select(Province.id).where(Province.slug == province))
        )
    return query


def certified_products(
    province: str | None = None, stars: int | None = None, day: date | None = None
) -> list[tuple[Product, OcopCertificate]]:
    """Each public product with the certificate its badge shows, newest verification first.

    With `stars`, a product counts by the certificate it shows (its best valid one).
    """
    day = day or vietnam_today()
    products = list(db.session.scalars(certified_products_query(province, stars, day=day)))
    best = valid_certificates([p.id for p in products], day)
    pairs = [
        (product, best[product.id])
        for product in products
        if product.id in best and (stars is None or best[product.id].stars == stars)
    ]
    pairs.sort(
        key=lambda pair: (pair[1].verified_at or pair[1].created_at, pair[1].id), reverse=True
    )
    return pairs


def shop_certificates(shop: Shop, day: date | None = None) -> list[OcopCertificate]:
    """The valid certificates of a shop's public products, for its page."""
    ids = db.session.scalars(
        public_products_query().where(Product.shop_id == shop.id).with_only_columns(Product.id)
    )
    return list(valid_certificates(ids, day).values())


def feed_last_modified() -> datetime:
    """When anything a feed shows may have changed: the last certificate change, or midnight
    in Vietnam today (certificates expire by date, with no write)."""
    changed = db.session.scalar(sa.select(sa.func.max(OcopCertificate.updated_at)))
    products = db.session.scalar(
        sa.select(sa.func.max(Product.updated_at)).where(
            Product.id.in_(sa.select(OcopCertificate.product_id))
        )
    )
    midnight = datetime.combine(vietnam_today(), datetime.min.time(), tzinfo=VIETNAM)
    stamps = [midnight] + [_aware(s) for s in (changed, products) if s is not None]
    return max(stamps)


def _aware(stamp: datetime) -> datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


# --- staff submissions ------------------------------------------------------------------


@dataclass
class CertificateInput:
    product_id: int
    certificate_no: str
    stars: int
    issuer: str
    issued_on: date
    expires_on: date
    product_group: str | None


def check_input(data: CertificateInput, certificate: OcopCertificate | None = None) -> None:
    """The rules every certificate keeps, whoever enters it; raise OcopError."""
    if not data.certificate_no or len(data.certificate_no) > 64:
        raise OcopError(_("Enter the certificate number (at most 64 characters)."))
    if data.stars not in (3, 4, 5):
        raise OcopError(_("Only 3, 4 or 5-star products receive a certificate."), "stars")
    if not data.issuer:
        raise OcopError(_("Enter the issuing authority."), "issuer")
    if data.expires_on <= data.issued_on:
        raise OcopError(_("The expiry date must be after the issue date."), "expires_on")
    if data.product_group is not None and data.product_group not in PRODUCT_GROUPS:
        raise OcopError(_("Choose one of the six OCOP product groups."), "product_group")
    existing = db.session.scalar(
        sa.select(OcopCertificate).where(OcopCertificate.certificate_no == data.certificate_no)
    )
    if existing is not None and existing is not certificate:
        raise OcopError(
            _(
                "Certificate number %(number)s is already registered on Chợ HTX.",
                number=data.certificate_no,
            )
        )


def _shop_product(shop: Shop, product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or product.shop_id != shop.id:
        raise OcopError(_("Choose one of this cooperative's products."), "product_id")
    return product


def _apply(certificate: OcopCertificate, data: CertificateInput) -> None:
    if certificate.expires_on != data.expires_on:
        certificate.reminder_sent_at = None  # a new expiry date deserves its own reminder
    certificate.certificate_no = data.certificate_no
    certificate.stars = data.stars
    certificate.issuer = data.issuer
    certificate.issued_on = data.issued_on
    certificate.expires_on = data.expires_on
    certificate.product_group = data.product_group


def submit_certificate(
    user: User, shop: Shop, data: CertificateInput, scan: bytes | None
) -> OcopCertificate:
    """Staff enter a certificate with its scan; it waits, pending, for an admin."""
    require_shop_staff(user, shop)
    product = _shop_product(shop, data.product_id)
    check_input(data)
    if not scan:
        raise OcopError(_("Upload a scan or photo of the certificate."), "scan")
    key = store_scan(scan)
    certificate = OcopCertificate(
        product=product,
        status=CertificateStatus.PENDING,
        submitted_by_id=user.id,
        scan_key=key,
    )
    _apply(certificate, data)
    db.session.add(certificate)
    _flush_or_forget_scan(certificate, key, "ocop.submit", user)
    return certificate


def update_certificate(
    user: User, certificate: OcopCertificate, data: CertificateInput, scan: bytes | None
) -> OcopCertificate:
    """Staff correct a pending or rejected certificate; it goes back to the admins, pending."""
    shop = certificate.product.shop
    require_shop_staff(user, shop)
    if certificate.status not in (CertificateStatus.PENDING, CertificateStatus.REJECTED):
        raise OcopError(
            _("A verified or revoked certificate cannot be changed; submit a new one."), "status"
        )
    product = _shop_product(shop, data.product_id)
    check_input(data, certificate)
    old_key, key = certificate.scan_key, store_scan(scan) if scan else None
    _apply(certificate, data)
    certificate.product = product
    certificate.status = CertificateStatus.PENDING
    certificate.rejection_reason = ""
    certificate.submitted_by_id = user.id
    if key:
        certificate.scan_key = key
    _flush_or_forget_scan(certificate, key, "ocop.resubmit", user)
    if key and old_key:
        after_commit(delete_scan, old_key)
    return certificate


def _flush_or_forget_scan(certificate, key, action: str, user: User) -> None:
    try:
        db.session.flush()
        record(action, certificate, actor=user, label=certificate.certificate_no)
        db.session.flush()
    except sa.exc.IntegrityError:
        # Two submissions of one number at the same moment: the unique index decides. The
        # failed flush leaves nothing of this unit of work worth keeping.
        rollback()
        if key:
            delete_scan(key)
        raise OcopError(_("This certificate number is already registered on Chợ HTX.")) from None
    except Exception:
        if key:
            delete_scan(key)
        raise


def shop_certificate(user: User, shop: Shop, certificate_id: int) -> OcopCertificate | None:
    """A certificate of this shop's products for its staff; another shop's is not found."""
    require_shop_staff(user, shop)
    certificate = db.session.get(OcopCertificate, certificate_id)
    if certificate is None or certificate.product.shop_id != shop.id:
        return None
    return certificate


def staff_certificates_query(shop: Shop) -> sa.Select:
    return (
        sa.select(OcopCertificate)
        .join(OcopCertificate.product)
        .where(Product.shop_id == shop.id)
        .options(so.contains_eager(OcopCertificate.product))
        .order_by(OcopCertificate.created_at.desc(), OcopCertificate.id.desc())
    )


# --- admin decisions --------------------------------------------------------------------


def admin_queue_query(status: str = CertificateStatus.PENDING) -> sa.Select:
    query = sa.select(OcopCertificate).options(
        so.joinedload(OcopCertificate.product).joinedload(Product.shop)
    )
    if status in CertificateStatus.ALL:
        query = query.where(OcopCertificate.status == status)
    return query.order_by(OcopCertificate.created_at, OcopCertificate.id)


def verify_certificate(admin: User, certificate: OcopCertificate) -> None:
    """An admin has compared the data with the scan: the badge shows from now on."""
    require_admin(admin)
    if certificate.status != CertificateStatus.PENDING:
        raise OcopError(_("Only a pending certificate can be verified."), "status")
    _mark_verified(certificate, admin)
    _record_decision("ocop.verify", admin, certificate, "")


def reject_certificate(admin: User, certificate: OcopCertificate, reason: str) -> None:
    """The data does not match the scan (or the scan is unreadable): staff see the reason."""
    require_admin(admin)
    if certificate.status != CertificateStatus.PENDING:
        raise OcopError(_("Only a pending certificate can be rejected."), "status")
    _require_reason(reason, _("Say why, so that the cooperative can correct it."))
    certificate.status = CertificateStatus.REJECTED
    certificate.rejection_reason = reason.strip()
    _record_decision("ocop.reject", admin, certificate, reason)


def revoke_certificate(admin: User, certificate: OcopCertificate, reason: str) -> None:
    """Withdraw a verified certificate (withdrawn by the authority, found false...)."""
    require_admin(admin)
    if certificate.status != CertificateStatus.VERIFIED:
        raise OcopError(_("Only a verified certificate can be revoked."), "status")
    _require_reason(reason, _("Say why the certificate is revoked."))
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    certificate.revocation_reason = reason.strip()
    _record_decision("ocop.revoke", admin, certificate, reason)


def _require_reason(reason: str, ask: str) -> None:
    if not reason.strip():
        raise OcopError(ask, "reason")


def _record_decision(action: str, admin: User, certificate: OcopCertificate, reason: str) -> None:
    """Audit an admin's decision and tell the shop's staff (the mail leaves after the commit)."""
    record(
        action, certificate, actor=admin, reason=reason.strip(), label=certificate.certificate_no
    )
    notify(
        staff_of(certificate.product.shop),
        "certificate_decision",
        mail=lambda person: _decision_mail(certificate, action, reason.strip(), person.lang),
        **_certificate_params(certificate),
        decision=action.removeprefix("ocop."),
        reason=reason.strip(),
    )
    db.session.flush()


def _certificate_params(certificate: OcopCertificate) -> dict:
    product = certificate.product
    return {
        "certificate_no": certificate.certificate_no,
        "slug": product.shop.slug,
        "product": {"vi": product.name_vi, "en": product.name_en or product.name_vi},
    }


def _decision_mail(
    certificate: OcopCertificate, action: str, reason: str, lang: str
) -> tuple[str, str]:
    number = certificate.certificate_no
    product = localized(certificate.product, "name", lang)[0]
    subjects = {
        "ocop.verify": _(
            "OCOP certificate %(number)s is verified: %(product)s shows the badge",
            number=number,
            product=product,
        ),
        "ocop.reject": _("OCOP certificate %(number)s was not accepted", number=number),
        "ocop.revoke": _("OCOP certificate %(number)s was revoked", number=number),
    }
    closing = {
        "ocop.verify": [],
        "ocop.reject": [_("Correct the certificate and send it again:")],
        "ocop.revoke": [_("The badge no longer shows on %(product)s.", product=product), ""],
    }[action]
    url = url_for(
        "ocop.manage_certificates",
        slug=certificate.product.shop.slug,
        lang_code=lang,
        _external=True,
    )
    return decision_mail(subjects[action], reason, *closing, url)


def _mark_verified(certificate: OcopCertificate, verified_by: User | None) -> None:
    certificate.status = CertificateStatus.VERIFIED
    certificate.verified_at = utcnow()
    certificate.verified_by_id = verified_by.id if verified_by is not None else None
    certificate.rejection_reason = ""


def record_verified_certificate(
    product: Product,
    data: CertificateInput,
    verified_by: User | None = None,
    existing: OcopCertificate | None = None,
) -> OcopCertificate:
    """Enter a certificate the operator vouches for (CSV import, demo data): verified at once.

    The caller owns the transaction and commits it. verified_by is None for an import: the
    operator's file, not a person on the site, verified it.
    """
    certificate = existing
    if certificate is None:
        certificate = OcopCertificate(product=product, certificate_no=data.certificate_no)
        db.session.add(certificate)
    _apply(certificate, data)
    _mark_verified(certificate, verified_by)
    db.session.flush()
    record(
        "ocop.operator_verify",
        certificate,
        actor=verified_by,
        label=certificate.certificate_no,
        product=product.sku,
    )
    return certificate


# --- scans ------------------------------------------------------------------------------


def scan_storage() -> LocalStorage:
    """Scans live apart from public media: /media/ never serves them."""
    return LocalStorage(str(Path(current_app.config["UPLOAD_DIR"]) / "private" / "ocop-scans"))


def store_scan(data: bytes) -> str:
    """Check a scan (a PDF, or an image re-encoded without its metadata) and store it."""
    limit = current_app.config.get("MAX_SCAN_BYTES", 10 * 1024 * 1024)
    if len(data) > limit:
        raise OcopError(_("The scan is larger than %(mb)s MB.", mb=limit // (1024 * 1024)), "scan")
    key = secrets.token_hex(16)
    if data.startswith(PDF_MAGIC):
        key += ".pdf"
        scan_storage().save(key, data)
        return key
    try:
        image = check_image(data)
    except ValueError as error:
        message = _("Upload a PDF or an image (JPEG, PNG, WebP): %(why)s", why=error)
        raise OcopError(message, "scan") from None
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((SCAN_LONGEST_SIDE, SCAN_LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=85)
    key += ".webp"
    scan_storage().save(key, out.getvalue())
    return key


def delete_scan(key: str) -> None:
    scan_storage().delete(key)


def scan_file(user: User, certificate: OcopCertificate) -> Path:
    """The scan's file, for staff of the certificate's shop and admins only."""
    if not certificate.scan_key or not is_staff_of(user, certificate.product.shop):
        raise Forbidden()
    return scan_storage().path(certificate.scan_key)


# --- reminders --------------------------------------------------------------------------


def certificates_to_remind(day: date | None = None) -> list[OcopCertificate]:
    day = day or vietnam_today()
    return list(
        db.session.scalars(
            sa.select(OcopCertificate)
            .where(
                OcopCertificate.status == CertificateStatus.VERIFIED,
                OcopCertificate.reminder_sent_at.is_(None),
                OcopCertificate.expires_on >= day,
                OcopCertificate.expires_on <= day + timedelta(days=REMIND_DAYS_BEFORE),
            )
            .order_by(OcopCertificate.expires_on, OcopCertificate.id)
        )
    )


def send_expiry_reminder(certificate: OcopCertificate) -> list[str]:
    """Tell the shop's staff once that the certificate expires soon; returns the addresses.

    Each staff member is mailed in their own language (unless they turned these reminders
    off). Committed per certificate with its mail (the mail leaves after the commit), so that
    a run that stops half-way neither loses nor repeats a reminder.
    """
    staff = staff_of(certificate.product.shop)
    if not staff:
        return []
    told = notify(
        staff,
        "certificate_expiring",
        mail=lambda person: _expiry_mail(certificate, person.lang),
        **_certificate_params(certificate),
        expires_on=certificate.expires_on.isoformat(),
    )
    addresses = [person.email for person in staff if person.user_id in {n.user_id for n in told}]
    if not addresses:  # every staff member turned these reminders off: ask again next run
        return []
    certificate.reminder_sent_at = utcnow()
    record("ocop.remind", certificate, label=certificate.certificate_no, to=addresses)
    commit_step("each reminder is committed with its mail: a run that stops repeats none")
    return addresses


def _expiry_mail(certificate: OcopCertificate, lang: str) -> tuple[str, str]:
    subject = _(
        "OCOP certificate %(number)s expires on %(date)s",
        number=certificate.certificate_no,
        date=format_date(certificate.expires_on),
    )
    verify_url = url_for(
        "ocop.verify", lang_code=lang, certificate_no=certificate.certificate_no, _external=True
    )
    text = _(
        "The OCOP certificate %(number)s (%(stars)s stars) of %(product)s expires on "
        "%(date)s. After that day Chợ HTX no longer shows its badge. Once the product is "
        "re-evaluated, submit the new certificate with its scan in your shop's OCOP "
        "certificates page.\n\nVerification page: %(url)s",
        number=certificate.certificate_no,
        stars=certificate.stars,
        product=localized(certificate.product, "name", lang)[0],
        date=format_date(certificate.expires_on),
        url=verify_url,
    )
    return subject, text
