from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired

from app.forms import Length, SiteForm, choices
from app.models import ROLES
from app.validators import MAX_REASON

REASON_DESCRIPTION = _l("Shown to the people concerned and kept in the audit log.")


def reason_field(label=_l("Reason")) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Length(
                max=MAX_REASON,
                message=_l("The reason is too long (at most %(max)d characters)."),
            ),
        ],
        description=REASON_DESCRIPTION,
    )


class DecisionForm(SiteForm):
    """One decision on one shop, report or review: the action comes from the button."""

    action = HiddenField(validators=[InputRequired(_l("Choose an action."))])
    reason = reason_field()


class ProductDecisionForm(SiteForm):
    """Bulk moderation: the ticked products, one action, one reason."""

    product_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(
        _l("Action"),
        choices=choices(
            [
                ("approve", _l("Approve")),
                ("changes", _l("Ask for changes")),
                ("reject", _l("Reject")),
            ]
        ),
    )
    reason = reason_field()


class RoleForm(SiteForm):
    role = SelectField(_l("Role"), choices=choices((r, r) for r in ROLES))
    reason = reason_field()


class ActiveForm(SiteForm):
    reason = reason_field()


class VerificationForm(SiteForm):
    """An admin's check of a shop's registration data: how, and which facts."""

    method = SelectField(
        _l("How it was verified"),
        choices=choices(
            [
                ("documents", _l("Registration certificate checked against the uploaded scan")),
                ("business_portal", _l("Looked up on the National Business Registration Portal")),
                ("tax_portal", _l("Tax code looked up with the tax authority")),
                ("in_person", _l("Original papers seen in person")),
            ]
        ),
    )
    checks = SelectMultipleField(
        _l("What was checked"),
        choices=choices(
            [
                ("name", _l("Registered name")),
                ("tax_code", _l("Registration / tax code")),
                ("address", _l("Address")),
                ("representative", _l("Legal representative")),
                ("phone", _l("Phone")),
                ("seller_kind", _l("Kind of seller")),
            ]
        ),
        validators=[InputRequired(_l("Tick what was checked."))],
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
