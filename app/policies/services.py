"""Policies of the trading floor: versions with an effective date, their announcement to every
user, and sellers' acceptance of the operating rules.

A version is published at least POLICY_NOTICE_DAYS before it takes effect and announced by
mail at once (a job); `flask policies announce` sends what was not yet announced. Services
flush; the request or command commits.
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app import clock, jobs
from app.accounts.permissions import require_admin
from app.audit import record
from app.extensions import db
from app.mail import public_base_url
from app.models import PolicyAcceptance, PolicyKind, PolicyVersion, Shop, User
from app.models.base import VIETNAM
from app.notifications.services import notify, recipient
from app.unit_of_work import after_commit


class PolicyError(ValueError):
    """A rule was broken; the message is for the admin."""


def policy_title(kind: str) -> str:
    return {
        PolicyKind.OPERATING_RULES: _("Operating rules"),
        PolicyKind.PRIVACY: _("Privacy policy"),
        PolicyKind.RETURNS: _("Returns policy"),
        PolicyKind.TERMS: _("Terms of use"),
    }[kind]


def current_version(kind: str, at: datetime | None = None) -> PolicyVersion | None:
    """The version in force at `at` (now by default)."""
    return db.session.scalar(
        sa.select(PolicyVersion)
        .where(PolicyVersion.kind == kind, PolicyVersion.effective_at <= (at or clock.now()))
        .order_by(PolicyVersion.effective_at.desc(), PolicyVersion.version.desc())
        .limit(1)
    )


def versions(kind: str) -> list[PolicyVersion]:
    return list(
        db.session.scalars(
            sa.select(PolicyVersion)
            .where(PolicyVersion.kind == kind)
            .order_by(PolicyVersion.version.desc())
        )
    )


def version_by_number(kind: str, number: int) -> PolicyVersion | None:
    return db.session.scalar(
        sa.select(PolicyVersion).where(PolicyVersion.kind == kind, PolicyVersion.version == number)
    )


def upcoming_version(kind: str) -> PolicyVersion | None:
    return db.session.scalar(
        sa.select(PolicyVersion)
        .where(PolicyVersion.kind == kind, PolicyVersion.effective_at > clock.now())
        .order_by(PolicyVersion.effective_at)
        .limit(1)
    )


def notice_days() -> int:
    return int(current_app.config["POLICY_NOTICE_DAYS"])


def start_of_day(day) -> datetime:
    """Midnight in Vietnam, the moment a version dated `day` takes effect."""
    return datetime.combine(day, time(0), tzinfo=VIETNAM)


def earliest_effective_date():
    """The first day a version published now may take effect."""
    earliest = clock.now() + timedelta(days=notice_days())
    day = earliest.astimezone(VIETNAM).date()
    return day if start_of_day(day) >= earliest else day + timedelta(days=1)


TEXT_FIELDS = ("title_vi", "title_en", "body_vi", "body_en", "summary_vi", "summary_en")


def publish_version(admin: User, kind: str, texts: dict, effective_on) -> PolicyVersion:
    """A new version of a policy, in force from the start of `effective_on` (Vietnam), which
    must leave every user the notice period; its announcement leaves after the commit."""
    require_admin(admin)
    if kind not in PolicyKind.ALL:
        raise PolicyError(_("Unknown policy."))
    if effective_on < earliest_effective_date():
        raise PolicyError(
            _(
                "A new version must be announced at least %(days)s days before it takes "
                "effect: choose %(date)s or later.",
                days=notice_days(),
                date=format_date(earliest_effective_date(), "short"),
            )
        )
    for field in ("title_vi", "title_en", "body_vi", "body_en"):
        if not (texts.get(field) or "").strip():
            raise PolicyError(_("Give the title and text in both languages."))
    last = db.session.scalar(
        sa.select(sa.func.max(PolicyVersion.version)).where(PolicyVersion.kind == kind)
    )
    version = PolicyVersion(
        kind=kind,
        version=(last or 0) + 1,
        effective_at=start_of_day(effective_on),
        created_by_id=admin.id,
        created_at=clock.now(),
        **{k: (texts.get(k) or "").strip() for k in TEXT_FIELDS},
    )
    db.session.add(version)
    db.session.flush()
    record("policy.publish", version, actor=admin, kind=kind, version=version.version)
    after_commit(jobs.enqueue, announce_version, version.id)
    return version


def recipients() -> list[User]:
    """Everyone with an account that can still read mail (not deleted, not blocked)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.erased_at.is_(None), User.is_active_account.is_(True))
            .order_by(User.id)
        )
    )


def _announcement(version: PolicyVersion, lang: str) -> tuple[str, str]:
    title = getattr(version, f"title_{lang}") or version.title_vi
    summary = getattr(version, f"summary_{lang}")
    day = format_date(version.effective_at.astimezone(VIETNAM).date(), "long")
    link = public_base_url() + url_for(
        "policies.policy_page", lang_code=lang, kind=version.kind, version=version.version
    )
    subject = _(
        "Chợ HTX: a new version of the %(title)s takes effect on %(date)s", title=title, date=day
    )
    lines = [
        _(
            "Version %(n)s of the %(title)s takes effect on %(date)s.",
            n=version.version,
            title=title,
            date=day,
        ),
        "",
    ]
    if summary:
        lines += [summary, ""]
    lines += [_("Read it here:"), link]
    if version.kind == PolicyKind.OPERATING_RULES:
        lines += ["", _("Sellers are asked to accept it on their shop pages once it takes effect.")]
    return subject, "\n".join(lines)


def announce_version(version_id: int) -> int:
    """Mail the version to every user in their language (once); returns the mails sent.

    An announcement that leaves later than the notice period allows moves the effective date
    on, so nobody gets less notice than the rules promise.
    """
    version = db.session.get(PolicyVersion, version_id)
    if version is None or version.announced_at is not None:
        return 0
    now = clock.now()
    if version.effective_at < now + timedelta(days=notice_days()):
        day = (now + timedelta(days=notice_days())).astimezone(VIETNAM).date() + timedelta(days=1)
        version.effective_at = start_of_day(day)
    people = [recipient(user) for user in recipients()]
    with current_app.test_request_context():
        notify(
            people,
            "policy_version",
            mail=lambda person: _announcement(version, person.lang),
            policy=version.kind,
            version=version.version,
            title={"vi": version.title_vi, "en": version.title_en or version.title_vi},
            date=version.effective_at.astimezone(VIETNAM).date().isoformat(),
        )
    version.announced_at = now
    db.session.flush()
    return len(people)


def unannounced_versions() -> list[PolicyVersion]:
    return list(
        db.session.scalars(
            sa.select(PolicyVersion)
            .where(PolicyVersion.announced_at.is_(None), PolicyVersion.effective_at > clock.now())
            .order_by(PolicyVersion.id)
        )
    )


# --- sellers' acceptance of the operating rules ----------------------------------------------


def has_accepted(shop: Shop, version: PolicyVersion) -> bool:
    return (
        db.session.scalar(
            sa.select(PolicyAcceptance.id).where(
                PolicyAcceptance.shop_id == shop.id,
                PolicyAcceptance.policy_version_id == version.id,
            )
        )
        is not None
    )


def rules_to_accept(shop: Shop) -> PolicyVersion | None:
    """The operating rules in force, when nobody has accepted them for this shop yet."""
    version = current_version(PolicyKind.OPERATING_RULES)
    if version is None or has_accepted(shop, version):
        return None
    return version


def accept_operating_rules(user: User, shop: Shop, way: str) -> PolicyAcceptance | None:
    """Record that `user` accepted the operating rules in force on behalf of `shop`."""
    version = current_version(PolicyKind.OPERATING_RULES)
    if version is None or has_accepted(shop, version):
        return None
    db.session.flush()
    acceptance = PolicyAcceptance(
        user_id=user.id,
        shop_id=shop.id,
        policy_version_id=version.id,
        way=way,
        accepted_at=clock.now(),
    )
    db.session.add(acceptance)
    record("policy.accept", shop, actor=user, version=version.version)
    return acceptance


def render_policy_text(text: str) -> Markup:
    """Plain text as typed by admins: "# " starts a heading, blank lines part paragraphs."""
    out = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        while lines and lines[0].startswith("# "):
            out.append(Markup("<h2>%s</h2>") % lines.pop(0)[2:].strip())
        if lines:
            out.append(Markup("<p>%s</p>") % Markup("<br>").join(escape(line) for line in lines))
    return Markup("\n").join(out)
