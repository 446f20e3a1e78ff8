from flask import Blueprint

bp = Blueprint("ocop", __name__)  # pages, under /<lang_code>
feeds_bp = Blueprint("ocop_feeds", __name__)  # feeds and badges: no locale, ?lang= instead

from app.ocop import feeds, routes  # noqa: E402,F401
