"""notify(): the one way every domain tells people about an event, by mail and in the app.

A call adds one Notification row per recipient (in the caller's transaction, so a rolled
back change leaves none) and writes each recipient a mail in their language, which
`send_email` delivers only once that transaction has committed. Optional kinds skip the
users who turned them off; mandatory kinds (new orders for staff, a buyer's order mail)
always go out.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.mail import public_base_url, send_email
from app.models import Notification, NotificationOptOut, Order, Shop, ShopMember, User
from app.models.base import utcnow
from app.notifications.kinds import BUYER, KINDS, STAFF, Kind, kinds_for

LANGS = ("vi", "en")
PER_PAGE = 20


@dataclass(frozen=True)
class Recipient:
    """Who is told: the user whose list gets the row, and where and in which language mail goes."""

    user_id: int
    email: str
    name: str
    lang: str


def recipient(user: User) -> Recipient:
    return Recipient(user.id, user.email, user.name, user.locale if user.locale in LANGS else "vi")


def buyer_of(order: Order) -> Recipient:
    """The buyer as they ordered: the order's email, name and language (not the account's)."""
    lang = order.locale if order.locale in LANGS else "vi"
    return Recipient(order.buyer_id, order.email, order.contact_name, lang)


def staff_of(shop: Shop | int) -> list[Recipient]:
    """Every active staff member of the cooperative (a Shop or its id)."""
    shop_id = shop if isinstance(shop, int) else shop.id
    users = db.session.scalars(
        sa.select(User)
        .join(ShopMember, ShopMember.user_id == User.id)
        .where(ShopMember.shop_id == shop_id, User.is_active_account.is_(True))
        .order_by(User.id)
    )
    return [recipient(user) for user in users]


def shop_params(shop_or_order) -> dict:
    """A cooperative's names in both languages, from a Shop or a ShopOrder's copy of them."""
    vi = getattr(shop_or_order, "shop_name_vi", None) or getattr(shop_or_order, "name_vi", "")
    en = getattr(shop_or_order, "shop_name_en", None) or getattr(shop_or_order, "name_en", "")
    return {"vi": vi, "en": en or vi}


def _plain(value):
    """JSON-ready params: sums read from PostgreSQL come as Decimal; đồng are whole numbers."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def notify(
    recipients: Iterable[Recipient | User],
    kind: str,
    *,
    mail: Callable[[Recipient], tuple[str, str]] | None = None,
    **params,
) -> list[Notification]:
    """Tell each recipient about one event of `kind`; `params` (JSON) describe it.

    `mail(recipient)`, when given, writes the mail's (subject, text), in the recipient's
    language (it is active while `mail` runs), for events whose mail says more than the list
    does (an order's lines); otherwise the kind's title, text and link make the mail.
    Returns the rows added.
    """
    params = _plain(params)
    spec = KINDS[kind]
    people: dict[int, Recipient] = {}
    for person in recipients:
        person = person if isinstance(person, Recipient) else recipient(person)
        people.setdefault(person.user_id, person)
    if not spec.mandatory and people:
        opted_out = set(
            db.session.scalars(
                sa.select(NotificationOptOut.user_id).where(
                    NotificationOptOut.kind == kind, NotificationOptOut.user_id.in_(people)
                )
            )
        )
        people = {uid: p for uid, p in people.items() if uid not in opted_out}
    rows = []
    for person in people.values():
        row = Notification(user_id=person.user_id, kind=kind, params=params, created_at=utcnow())
        db.session.add(row)
        rows.append(row)
        with force_locale(person.lang):
            subject, text = mail(person) if mail else _default_mail(spec, params, person)
        send_email(person.email, subject, text)
    db.session.flush()
    return rows


def link(notification_or_kind, params: dict | None = None, lang: str | None = None, **kw) -> str:
    """The page an event is about, in `lang` (default: the current page's language)."""
    if isinstance(notification_or_kind, Notification):
        spec, params = KINDS[notification_or_kind.kind], notification_or_kind.params
    else:
        spec = notification_or_kind
    endpoint, values = spec.link(params)
    if lang is not None:
        values = {**values, "lang_code": lang}
    return url_for(endpoint, **values, **kw)


def external_link(spec: Kind, params: dict, lang: str) -> str:
    """An absolute link for a mail, also from a CLI command or a job (no request)."""
    if has_request_context():
        return link(spec, params, lang, _external=True)
    with current_app.test_request_context(base_url=public_base_url()):
        return link(spec, params, lang, _external=True)


def _default_mail(spec: Kind, params: dict, person: Recipient) -> tuple[str, str]:
    lines = [
        _("Hello %(name)s,", name=person.name),
        "",
        spec.text(params),
        "",
        _("Open it on Chợ HTX: %(url)s", url=external_link(spec, params, person.lang)),
    ]
    if not spec.mandatory:
        lines += [
            "",
            _("You can turn these messages off on your account page: %(url)s", url=_account_url()),
        ]
    return spec.title(params), "\n".join(lines)


def _account_url() -> str:
    if has_request_context():
        return url_for("accounts.profile", _external=True)
    with current_app.test_request_context(base_url=public_base_url()):
        return url_for("accounts.profile", _external=True)


# --- reading ---------------------------------------------------------------------------------


def unread_count(user: User) -> int:
    """The header's badge: one COUNT on the (user_id, read_at) index."""
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def list_query(user: User) -> sa.Select:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def users_notification(user: User, notification_id: int) -> Notification | None:
    """One of the user's own notifications; someone else's is not found."""
    return db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Every unread notification of the user is read now; returns how many."""
    return db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount


# --- preferences -----------------------------------------------------------------------------


def kinds_shown_to(user: User) -> list[Kind]:
    """Buyer kinds for everyone (anyone may order), staff kinds for cooperative staff."""
    audiences = {BUYER}
    if user.memberships:
        audiences.add(STAFF)
    return kinds_for(audiences)


def opted_out_kinds(user: User) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)
        )
    )


def set_preferences(user: User, wanted: set[str]) -> None:
    """Turn off the optional kinds shown to the user that are not in `wanted`; mandatory
    kinds cannot be turned off, whatever is sent."""
    optional = {kind.name for kind in kinds_shown_to(user) if not kind.mandatory}
    off = optional - set(wanted)
    current = opted_out_kinds(user) & optional
    for kind in off - current:
        db.session.add(NotificationOptOut(user_id=user.id, kind=kind, created_at=utcnow()))
    if current - off:
        db.session.execute(
            sa.delete(NotificationOptOut).where(
                NotificationOptOut.user_id == user.id,
                NotificationOptOut.kind.in_(current - off),
            )
        )
    db.session.flush()
