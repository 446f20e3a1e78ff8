from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to open this page.")
login_manager.login_message_category = "error"


@login_manager.user_loader
def load_user(user_id: str):
    from app.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None  # deactivated: signed out


from app.accounts import routes  # noqa: E402,F401
