from flask import Blueprint

bp = Blueprint("shops", __name__)

from app.shops import routes  # noqa: E402,F401
