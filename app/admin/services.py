"""The admins' queues and decisions that span blueprints: reports, users, the audit log.

Shop verification lives in app.shops.services, listing moderation in app.catalog.moderation
and review moderation in app.reviews.services; this module finds the work and dispatches.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from app.accounts.permissions import require_admin
from app.audit import record
from app.catalog import moderation
from app.extensions import db
from app.models import (
    ROLES,
    AuditEntry,
    Product,
    ProductStatus,
    Report,
    ReportStatus,
    Review,
    ReviewStatus,
    Role,
    Shop,
    ShopStatus,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.reports.services import public_target
from app.reviews import services as reviews
from app.shops import services as shops
from app.validators import clean_reason


class AdminError(ValueError):
    """An admin action that cannot be done; the message is for the admin."""


# --- dashboard --------------------------------------------------------------------------


def dashboard_counts() -> dict[str, int]:
    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    # Other blueprints' queues are counted through their own queries.
    from app.ocop.services import admin_queue_query
    from app.payments.services import pending_transfers
    from app.payouts.services import waiting_bank_payouts

    return {
        "shops": count(sa.select(Shop.id).where(Shop.status == ShopStatus.PENDING)),
        "products": count(sa.select(Product.id).where(Product.status == ProductStatus.PENDING)),
        "reports": count(sa.select(Report.id).where(Report.status == ReportStatus.OPEN)),
        "reviews": count(sa.select(Review.id).where(Review.status == ReviewStatus.HIDDEN)),
        "certificates": count(admin_queue_query()),
        "payouts": len(waiting_bank_payouts()),
        "transfers": len(pending_transfers()),
        "users": count(sa.select(User.id).where(User.is_active_account.is_(True))),
        "audit_today": count(
            sa.select(AuditEntry.id).where(
                AuditEntry.created_at >= _vietnam_day_start(utcnow().astimezone(VIETNAM).date())
            )
        ),
    }


# --- listing queue ----------------------------------------------------------------------


@dataclass
class QueueFilters:
    shop: str = ""
    province: str = ""
    category: str = ""
    older_than_days: int | None = None
    status: str = ProductStatus.PENDING


def moderation_queue_query(filters: QueueFilters) -> sa.Select:
    """Submitted products waiting for a decision, oldest first (the fairest order)."""
    from app.models import Category, Province

    query = (
        sa.select(Product)
        .join(Product.shop)
        .options(
            so.contains_eager(Product.shop).joinedload(Shop.province),
            so.selectinload(Product.images),
            so.joinedload(Product.category),
        )
        .where(Product.status == filters.status)
        .order_by(sa.func.coalesce(Product.submitted_at, Product.updated_at), Product.id)
    )
    if filters.shop:
        query = query.where(Shop.slug == filters.shop)
    if filters.province:
        query = query.join(Province, Shop.province_id == Province.id).where(
            Province.slug == filters.province
        )
    if filters.category:
        category = db.session.scalar(sa.select(Category).where(Category.slug == filters.category))
        ids = [category.id, *(c.id for c in category.children)] if category else [-1]
        query = query.where(Product.category_id.in_(ids))
    if filters.older_than_days:
        cutoff = utcnow() - timedelta(days=filters.older_than_days)
        query = query.where(sa.func.coalesce(Product.submitted_at, Product.updated_at) <= cutoff)
    return query


def shops_query(status: str) -> sa.Select:
    query = sa.select(Shop).options(so.joinedload(Shop.province)).order_by(Shop.created_at, Shop.id)
    if status in ShopStatus.ALL:
        query = query.where(Shop.status == status)
    return query


# --- reports ----------------------------------------------------------------------------


def reports_query(status: str, target_type: str = "") -> sa.Select:
    query = sa.select(Report).options(so.joinedload(Report.reporter)).order_by(Report.created_at)
    if status:
        query = query.where(Report.status == status)
    if target_type:
        query = query.where(Report.target_type == target_type)
    return query


def report_targets(reports: list[Report]) -> dict[int, object]:
    """The reported product, shop or review of each report (None when it is gone)."""
    models = {"product": Product, "shop": Shop, "review": Review}
    return {r.id: db.session.get(models[r.target_type], r.target_id) for r in reports}


def resolve_report(admin: User, report: Report, action: str, reason: str = "") -> None:
    """Dismiss a report, or act on it: hide the product, suspend the shop, hide the review.

    Acting closes every open report on the same target, in the same commit as the action.
    """
    require_admin(admin)
    if report.status != ReportStatus.OPEN:
        raise AdminError(_("This report was already handled."))
    if action == "dismiss":
        note = clean_reason(reason, required=True)  # the reporter is told why nothing changes
        _close([report], ReportStatus.DISMISSED, admin, note)
        record("report.dismiss", report, actor=admin, reason=note, reported=report.target_type)
        db.session.flush()
        return
    if action != "act":
        raise AdminError(_("Unknown action."))
    reason = clean_reason(reason, required=True)
    models = {"product": Product, "shop": Shop, "review": Review}
    target = db.session.get(models[report.target_type], report.target_id)
    if target is None or public_target(report.target_type, report.target_id) is None:
        raise AdminError(_("The reported item is no longer public; dismiss the report."))
    from app.reports.services import open_reports_for

    # The action first: when it is refused, nothing has been written.
    if report.target_type == "product":
        moderation.decide(admin, [target], "hide", reason)
    elif report.target_type == "shop":
        shops.decide_shop(admin, target, "suspend", reason)
    else:
        reviews.set_status(admin, target, hidden=True, reason=reason)
    _close(
        open_reports_for(report.target_type, report.target_id), ReportStatus.ACTIONED, admin, reason
    )
    db.session.flush()


def _close(reports: list[Report], status: str, admin: User, note: str) -> None:
    now = utcnow()
    for report in reports:
        report.status, report.resolution = status, note
        report.resolved_by_id, report.resolved_at = admin.id, now


# --- users ------------------------------------------------------------------------------


def users_query(q: str = "", role: str = "") -> sa.Select:
    query = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.email).like(like), User.name.ilike(like)))
    if role in ROLES:
        query = query.where(User.role == role)
    return query


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.role == Role.ADMIN, User.is_active_account.is_(True), User.id != user.id
        )
    )


def change_role(admin: User, user: User, role: str, reason: str = "") -> None:
    """Give a user another role; the reason is required and kept in the audit log."""
    require_admin(admin)
    if role not in ROLES:
        raise AdminError(_("Unknown role."))
    if user.role == role:
        return
    if user.is_admin and user.is_active_account and _other_active_admins(user) == 0:
        raise AdminError(
            _("%(email)s is the last admin: make someone else admin first.", email=user.email)
        )
    reason = clean_reason(reason, required=True)
    record("user.role", user, actor=admin, label=user.email, old=user.role, new=role, reason=reason)
    user.role = role
    db.session.flush()


def set_active(admin: User, user: User, active: bool, reason: str = "") -> None:
    require_admin(admin)
    reason = clean_reason(reason, required=False)
    if user.is_active_account == active:
        return
    if not active and user.is_admin and _other_active_admins(user) == 0:
        raise AdminError(
            _("%(email)s is the last admin and cannot be deactivated.", email=user.email)
        )
    user.is_active_account = active
    record(
        "user.activate" if active else "user.deactivate",
        user,
        actor=admin,
        label=user.email,
        reason=reason,
    )
    db.session.flush()


# --- audit log --------------------------------------------------------------------------


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: int | None = None
    since: date | None = None
    until: date | None = None


def _vietnam_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM)


def audit_query(filters: AuditFilters) -> sa.Select:
    query = (
        sa.select(AuditEntry)
        .options(so.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if filters.action:
        query = query.where(AuditEntry.action.like(f"{filters.action}%"))
    if filters.actor:
        query = query.join(AuditEntry.actor).where(
            sa.func.lower(User.email).like(f"%{filters.actor.lower()}%")
        )
    if filters.target_type:
        query = query.where(AuditEntry.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEntry.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditEntry.created_at >= _vietnam_day_start(filters.since))
    if filters.until:
        query = query.where(
            AuditEntry.created_at < _vietnam_day_start(filters.until + timedelta(days=1))
        )
    return query


AUDIT_COLUMNS = (
    "time",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "reason",
    "details",
)


def audit_row(entry: AuditEntry) -> list[str]:
    details = "; ".join(f"{k}={v}" for k, v in sorted((entry.details or {}).items()))
    return [
        entry.created_at.astimezone(VIETNAM).isoformat(timespec="seconds"),
        entry.actor.email if entry.actor else "",
        entry.action,
        entry.target_type,
        "" if entry.target_id is None else str(entry.target_id),
        entry.target_label,
        entry.reason,
        details,
    ]


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def audit_target_types() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type)
        )
    )
