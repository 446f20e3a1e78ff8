from flask import Blueprint

bp = Blueprint("policies", __name__)

from app.policies import routes  # noqa: E402,F401
