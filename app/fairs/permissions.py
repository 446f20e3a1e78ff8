"""Who may see and change which fair: an organiser edits only their own fairs, admins any;
the public sees published fairs.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from app.extensions import db
from app.models import Fair, FairStatus, Role, User
from app.models.base import vietnam_today


def fair_by_slug(slug: str) -> Fair | None:
    return db.session.scalar(sa.select(Fair).where(Fair.slug == slug))


def may_edit(user: User, fair: Fair) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_admin or (user.role == Role.ORGANISER and fair.organiser_id == user.id)


def require_organiser(user: User, fair: Fair) -> None:
    """The one permission check for every change to a fair: its organiser, or an admin."""
    if not may_edit(user, fair):
        raise Forbidden(_("You do not organise this fair."))


def organised_fair(user: User, slug: str) -> Fair:
    """The fair named in an organiser URL, after the check (404 unknown, 403 not yours)."""
    fair = fair_by_slug(slug)
    if fair is None:
        raise NotFound()
    require_organiser(user, fair)
    return fair


def viewable_fair(user: User, slug: str) -> Fair:
    """A published (or archived) fair for everyone; a draft only for its organiser (preview)."""
    fair = fair_by_slug(slug)
    if fair is None or not (fair.is_public or may_edit(user, fair)):
        raise NotFound()
    return fair


def fairs_of(user: User) -> list[Fair]:
    query = sa.select(Fair).order_by(Fair.starts_on.desc(), Fair.id.desc())
    if not user.is_admin:
        query = query.where(Fair.organiser_id == user.id)
    return list(db.session.scalars(query))


@dataclass
class FairListing:
    current: list[Fair]
    upcoming: list[Fair]
    past: list[Fair]


def public_fairs(today: date | None = None) -> FairListing:
    """Public fairs: on now, coming (soonest first) and past (latest first, archived ones too)."""
    today = today or vietnam_today()
    fairs = list(
        db.session.scalars(
            sa.select(Fair)
            .where(Fair.status.in_(FairStatus.PUBLIC))
            .options(so.joinedload(Fair.province))
            .order_by(Fair.starts_on, Fair.id)
        )
    )
    live = [f for f in fairs if f.status == FairStatus.PUBLISHED]
    return FairListing(
        current=[f for f in live if f.starts_on <= today <= f.ends_on],
        upcoming=[f for f in live if f.starts_on > today],
        past=sorted(
            (f for f in fairs if f.ends_on < today or f.status == FairStatus.ARCHIVED),
            key=lambda f: f.ends_on,
            reverse=True,
        ),
    )
