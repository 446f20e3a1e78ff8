"""The role checks: `@role_required(Role.ADMIN)` on a route, and `require_admin(user)` at the
top of every service that carries out an admin decision (services never trust their caller).

Shop-level rights (staff of *this* shop) stay in `app.shops.services.require_shop_staff`.
"""

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden


def role_required(*roles: str):
    """Signed-in users whose role is one of `roles`; others get 403 (strangers go to login)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_admin(user) -> None:
    """Forbidden unless `user` is a signed-in marketplace admin."""
    if not (user is not None and user.is_authenticated and user.is_admin):
        raise Forbidden(_("Only the marketplace operator may do this."))
