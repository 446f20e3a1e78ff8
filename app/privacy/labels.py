"""The words shown for the kinds of personal-data request (the account page, the admin list)."""

from flask_babel import gettext as _

from app.models import DataRequestKind


def data_request_label(kind: str) -> str:
    return {
        DataRequestKind.EXPORT: _("Copy of the data"),
        DataRequestKind.DELETE: _("Account deletion"),
        DataRequestKind.OTHER: _("Other request"),
    }.get(kind, kind)
