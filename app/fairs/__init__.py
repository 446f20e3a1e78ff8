from flask import Blueprint

bp = Blueprint("fairs", __name__)

from app.fairs import routes  # noqa: E402,F401
