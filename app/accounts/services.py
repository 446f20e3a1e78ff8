"""Accounts: registration, sign-in, passwords. Each function owns its transaction."""

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.mail import send_email
from app.models import ROLES, Role, User


class AccountError(ValueError):
    """A rule was broken; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, password: str, name: str, role: str = Role.BUYER, locale: str = "vi"
) -> User:
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s.", role=role))
    if len(password) < 8:
        raise AccountError(_("The password must have at least 8 characters."))
    if find_user_by_email(email):
        raise AccountError(_("An account with this email already exists."))
    user = User(email=normalise_email(email), name=name.strip(), role=role, locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user


def update_profile(user: User, name: str, locale: str) -> None:
    user.name = name.strip()
    user.locale = locale
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("The current password is wrong."))
    user.set_password(new)
    db.session.flush()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _reset_fingerprint(user: User) -> str:
    # Changes with the password, so a link works once.
    return user.password_hash[-16:]


def send_password_reset(email: str, lang: str) -> None:
    """Mail a reset link if the account exists; say nothing either way to the requester."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = _reset_serializer().dumps({"id": user.id, "fp": _reset_fingerprint(user)})
    link = url_for("accounts.reset_password", token=token, lang_code=lang, _external=True)
    with force_locale(lang):
        subject = _("Reset your Chợ HTX password")
        body = _(
            "Hello %(name)s,\n\nOpen this link within one hour to choose a new password:\n"
            "%(link)s\n\nIf you did not ask for this, ignore this email.",
            name=user.name,
            link=link,
        )
    send_email(user.email, subject, body)


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _reset_fingerprint(user):
        return None
    return user


def reset_password(user: User, new: str) -> None:
    user.set_password(new)
    db.session.flush()
