"""The one role check for whole pages: `@role_required("admin")` on a route.

Shop-level rights (staff of *this* shop) stay in `app.shops.services.require_shop_staff`.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


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
