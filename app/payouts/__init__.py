from flask import Blueprint

bp = Blueprint("payouts", __name__)

from app.payouts import routes  # noqa: E402,F401
