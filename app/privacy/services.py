"""Personal data: consents, a person's requests (export, erasure, others) with their
deadlines, the incident register, and the retention of sensitive scans.

Erasure anonymises rather than deletes what the floor must keep (orders, the ledger, audit
entries): the rows stay, the personal fields in them are overwritten. Services flush; the
request or command commits.
"""

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from app import clock
from app.accounts.permissions import require_admin
from app.audit import record
from app.extensions import db
from app.models import (
    CartItem,
    CertificateStatus,
    Consent,
    ConsentPurpose,
    DataIncident,
    DataRequest,
    DataRequestKind,
    OcopCertificate,
    Order,
    PolicyKind,
    Report,
    Review,
    Shop,
    ShopDocument,
    ShopOrder,
    ShopOrderStatus,
    ShopStatus,
    User,
)
from app.models.base import VIETNAM, vietnam_today
from app.policies.services import current_version

# Orders that still need the buyer's name, phone and address to reach them.
IN_PROGRESS = (
    ShopOrderStatus.PENDING_PAYMENT,
    ShopOrderStatus.AWAITING_CONFIRMATION,
    ShopOrderStatus.PAID,
    ShopOrderStatus.PACKED,
    ShopOrderStatus.SHIPPED,
)
ANONYMOUS_NAME = "—"


class PrivacyError(ValueError):
    """A rule was broken; the message is for the user."""


# --- consents --------------------------------------------------------------------------------


def give_consent(user: User, purpose: str, way: str) -> Consent:
    """Record a consent with the privacy policy version in force, when and how it was given."""
    if purpose not in ConsentPurpose.ALL:
        raise PrivacyError(_("Unknown purpose."))
    existing = active_consent(user, purpose)
    if existing is not None:
        return existing
    db.session.flush()
    version = current_version(PolicyKind.PRIVACY)
    consent = Consent(
        user_id=user.id,
        purpose=purpose,
        policy_version_id=version.id if version else None,
        way=way,
        given_at=clock.now(),
    )
    db.session.add(consent)
    db.session.flush()
    return consent


def record_registration_consents(user: User, marketing: bool) -> None:
    give_consent(user, ConsentPurpose.PRIVACY, "registration_form")
    if marketing:
        give_consent(user, ConsentPurpose.MARKETING, "registration_form")


def active_consent(user: User, purpose: str) -> Consent | None:
    return db.session.scalar(
        sa.select(Consent).where(
            Consent.user_id == user.id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
        )
    )


def consents(user: User) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent).where(Consent.user_id == user.id).order_by(Consent.id)
        )
    )


def withdraw_consent(user: User, purpose: str, way: str) -> bool:
    """Withdraw an optional consent; the row keeps when and how. False if none was given."""
    if purpose not in ConsentPurpose.OPTIONAL:
        raise PrivacyError(_("This consent is needed to keep an account: delete the account."))
    consent = active_consent(user, purpose)
    if consent is None:
        return False
    consent.withdrawn_at = clock.now()
    consent.withdrawn_way = way
    return True


def wants_marketing(user: User) -> bool:
    return active_consent(user, ConsentPurpose.MARKETING) is not None


# --- requests --------------------------------------------------------------------------------


def request_deadline(requested_at: datetime) -> datetime:
    return requested_at + timedelta(hours=current_app.config["DATA_REQUEST_DEADLINE_HOURS"])


def log_request(user: User, kind: str, details: str = "", done: bool = False) -> DataRequest:
    now = clock.now()
    request = DataRequest(
        user_id=user.id,
        kind=kind,
        details=(details or "").strip()[:5000],
        requested_at=now,
        due_at=request_deadline(now),
        completed_at=now if done else None,
        outcome=_("Answered at once.") if done else "",
    )
    db.session.add(request)
    db.session.flush()
    return request


def open_requests() -> list[DataRequest]:
    return list(
        db.session.scalars(
            sa.select(DataRequest)
            .where(DataRequest.completed_at.is_(None))
            .order_by(DataRequest.due_at)
        )
    )


def recent_requests(limit: int = 50) -> list[DataRequest]:
    return list(
        db.session.scalars(
            sa.select(DataRequest)
            .where(DataRequest.completed_at.is_not(None))
            .order_by(DataRequest.completed_at.desc())
            .limit(limit)
        )
    )


def complete_request(admin: User, request: DataRequest, outcome: str) -> None:
    require_admin(admin)
    if not request.is_open:
        raise PrivacyError(_("This request is already closed."))
    if not (outcome or "").strip():
        raise PrivacyError(_("Say what was done."))
    request.completed_at = clock.now()
    request.completed_by_id = admin.id
    request.outcome = outcome.strip()[:5000]
    record("privacy.request_done", request, actor=admin)


# --- export ----------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(user: User) -> dict:
    """Everything the floor holds about `user`, as JSON; logged as an answered request."""
    orders = list(
        db.session.scalars(
            sa.select(Order).where(Order.buyer_id == user.id).order_by(Order.created_at)
        )
    )
    addresses = []
    for order in orders:
        address = {
            "name": order.contact_name,
            "phone": order.phone,
            "address": order.address,
            "commune": order.commune,
            "province": order.province.name_vi,
        }
        if address not in addresses:
            addresses.append(address)
    reviews = db.session.scalars(
        sa.select(Review).where(Review.user_id == user.id).order_by(Review.id)
    )
    reports = db.session.scalars(
        sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id)
    )
    requests = db.session.scalars(
        sa.select(DataRequest).where(DataRequest.user_id == user.id).order_by(DataRequest.id)
    )
    log_request(user, DataRequestKind.EXPORT, done=True)
    return {
        "exported_at": clock.now().isoformat(),
        "account": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "preferred_language": user.locale,
            "created_at": _iso(user.created_at),
            "shops": [shop.slug for shop in user.shops],
        },
        "addresses": addresses,
        "orders": [
            {
                "number": order.number,
                "placed_at": _iso(order.created_at),
                "email": order.email,
                "name": order.contact_name,
                "phone": order.phone,
                "address": ", ".join(
                    p for p in (order.address, order.commune, order.province.name_vi) if p
                ),
                "payment_method": order.payment_method,
                "payment_status": order.payment_status,
                "total_vnd": order.total_vnd,
                "refunded_vnd": order.refunded_vnd,
                "shops": [
                    {
                        "number": part.number,
                        "shop": part.shop.slug,
                        "status": part.status,
                        "lines": [
                            {
                                "sku": line.sku,
                                "name": line.name_vi,
                                "qty": line.qty,
                                "unit_price_vnd": line.unit_price_vnd,
                            }
                            for line in part.lines
                        ],
                    }
                    for part in order.shop_orders
                ],
            }
            for order in orders
        ],
        "reviews": [
            {
                "product": review.product.slug,
                "rating": review.rating,
                "text": review.body,
                "written_at": _iso(review.created_at),
            }
            for review in reviews
        ],
        "reports": [
            {"target": f"{r.target_type}:{r.target_id}", "reason": r.reason, "text": r.text}
            for r in reports
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "policy_version": consent.policy_version.version
                if consent.policy_version
                else None,
                "given_at": _iso(consent.given_at),
                "way": consent.way,
                "withdrawn_at": _iso(consent.withdrawn_at),
                "withdrawn_way": consent.withdrawn_way,
            }
            for consent in consents(user)
        ],
        "data_requests": [
            {
                "kind": r.kind,
                "requested_at": _iso(r.requested_at),
                "due_at": _iso(r.due_at),
                "completed_at": _iso(r.completed_at),
            }
            for r in requests
        ],
    }


# --- erasure ---------------------------------------------------------------------------------


def erase_account(user: User, password: str) -> DataRequest:
    """Delete the account: the person can no longer sign in, and their personal data is
    erased or anonymised, while orders and the ledger stay (the law makes the floor keep
    them) with the buyer's name, phone, address and email overwritten."""
    if not user.check_password(password or ""):
        raise PrivacyError(_("The password is wrong."))
    if user.role == "admin" or user.shops:
        raise PrivacyError(
            _(
                "Staff and operator accounts are closed by the marketplace, so that shops are "
                "not left without anyone: write to the operator."
            )
        )
    busy = db.session.scalar(
        sa.select(ShopOrder.number)
        .join(Order, Order.id == ShopOrder.order_id)
        .where(Order.buyer_id == user.id, ShopOrder.status.in_(IN_PROGRESS))
        .limit(1)
    )
    if busy:
        raise PrivacyError(
            _(
                "Order %(number)s is still on its way: the cooperative needs your address. "
                "Delete the account once it has arrived or been cancelled.",
                number=busy,
            )
        )
    request = log_request(user, DataRequestKind.DELETE, done=True)
    now = clock.now()
    placeholder = f"deleted-{user.id}@deleted.invalid"
    db.session.execute(
        sa.update(Order)
        .where(Order.buyer_id == user.id)
        .values(email=placeholder, contact_name=ANONYMOUS_NAME, phone="", address="", commune="")
    )
    db.session.execute(sa.update(Review).where(Review.user_id == user.id).values(body=""))
    db.session.execute(
        sa.update(Report).where(Report.reporter_id == user.id).values(reporter_ip="")
    )
    db.session.execute(sa.delete(CartItem).where(CartItem.user_id == user.id))
    for consent in consents(user):
        if consent.withdrawn_at is None:
            consent.withdrawn_at, consent.withdrawn_way = now, "account_deleted"
    user.email = placeholder
    user.name = ANONYMOUS_NAME
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    user.is_active_account = False
    user.erased_at = now
    record("privacy.erase", user, actor=user)
    return request


# --- incidents -------------------------------------------------------------------------------


def notify_hours() -> int:
    return int(current_app.config["DATA_INCIDENT_NOTIFY_HOURS"])


def record_incident(admin: User, values: dict) -> DataIncident:
    require_admin(admin)
    detected_at = values["detected_at"]
    if detected_at > clock.now():
        raise PrivacyError(_("The incident cannot be detected in the future."))
    incident = DataIncident(
        title=values["title"].strip()[:200],
        description=(values.get("description") or "").strip(),
        data_kinds=(values.get("data_kinds") or "").strip()[:255],
        affected_count=values.get("affected_count"),
        detected_at=detected_at,
        notify_by=detected_at + timedelta(hours=notify_hours()),
        measures=(values.get("measures") or "").strip(),
        recorded_by_id=admin.id,
        created_at=clock.now(),
    )
    db.session.add(incident)
    db.session.flush()
    record("privacy.incident", incident, actor=admin)
    return incident


def mark_incident_notified(admin: User, incident: DataIncident) -> None:
    require_admin(admin)
    if incident.notified_at is None:
        incident.notified_at = clock.now()
        record("privacy.incident_notified", incident, actor=admin)


def incidents() -> list[DataIncident]:
    return list(
        db.session.scalars(sa.select(DataIncident).order_by(DataIncident.detected_at.desc()))
    )


# --- sensitive documents ----------------------------------------------------------------------


def retention_days() -> int:
    return int(current_app.config["SENSITIVE_DOCUMENT_RETENTION_DAYS"])


def purge_sensitive_documents(today: date | None = None) -> tuple[int, int]:
    """Remove registration and OCOP scans once they are no longer needed: a shop's papers
    RETENTION days after it was verified (the verification record keeps what was checked)
    or refused; a certificate's scan RETENTION days after it expired or was refused.
    Returns (shop documents, OCOP scans) removed; the files go once the commit is done."""
    from app.ocop.services import delete_scan
    from app.shops.services import document_storage
    from app.unit_of_work import after_commit

    today = today or vietnam_today()
    limit = datetime.combine(today - timedelta(days=retention_days()), datetime.min.time())
    limit = limit.replace(tzinfo=VIETNAM)
    documents = list(
        db.session.scalars(
            sa.select(ShopDocument)
            .join(Shop, Shop.id == ShopDocument.shop_id)
            .where(
                sa.or_(
                    sa.and_(Shop.verified_at.is_not(None), Shop.verified_at < limit),
                    sa.and_(Shop.status == ShopStatus.REJECTED, Shop.status_changed_at < limit),
                )
            )
        )
    )
    for document in documents:
        after_commit(document_storage().delete, document.key)
        record("privacy.document_purged", document.shop, filename=document.filename)
        db.session.delete(document)
    certificates = list(
        db.session.scalars(
            sa.select(OcopCertificate).where(
                OcopCertificate.scan_key.is_not(None),
                sa.or_(
                    OcopCertificate.expires_on < limit.date(),
                    sa.and_(
                        OcopCertificate.status.in_(
                            (CertificateStatus.REJECTED, CertificateStatus.REVOKED)
                        ),
                        OcopCertificate.created_at < limit,
                    ),
                ),
            )
        )
    )
    for certificate in certificates:
        after_commit(delete_scan, certificate.scan_key)
        certificate.scan_key = None
    db.session.flush()
    return len(documents), len(certificates)
