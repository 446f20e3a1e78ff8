from flask import Blueprint

bp = Blueprint("tax", __name__)

from app.tax import routes  # noqa: E402,F401
