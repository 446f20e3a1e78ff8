from flask import Blueprint

bp = Blueprint("trace", __name__)  # lot pages and staff screens, under /<lang_code>
gs1_bp = Blueprint("trace_gs1", __name__)  # QR images and GS1 Digital Link paths: no locale

from app.trace import routes  # noqa: E402,F401
