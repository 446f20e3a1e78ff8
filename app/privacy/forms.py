from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Optional

from app.forms import Length, NumberRange, SiteForm


class ExportForm(SiteForm):
    submit = SubmitField(_l("Download my data (JSON)"))


class DeleteAccountForm(SiteForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))]
    )
    submit = SubmitField(_l("Delete my account"))


class ConsentForm(SiteForm):
    purpose = HiddenField(validators=[AnyOf(["marketing"])])
    action = HiddenField(validators=[AnyOf(["give", "withdraw"])])


class DataRequestForm(SiteForm):
    details = TextAreaField(
        _l("Your request"),
        validators=[DataRequired(_l("Say what you ask for.")), Length(max=5000)],
        description=_l(
            "To correct an order's details, object to a use of your data or restrict it."
        ),
    )
    submit = SubmitField(_l("Send the request"))


class CompleteRequestForm(SiteForm):
    outcome = TextAreaField(_l("What was done"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Close the request"))


class IncidentForm(SiteForm):
    title = StringField(
        _l("What happened"), validators=[DataRequired(_l("Say what happened.")), Length(max=200)]
    )
    detected_at = DateTimeLocalField(
        _l("Detected at (Vietnam time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Give the time it was detected."))],
    )
    data_kinds = StringField(_l("Kinds of data concerned"), validators=[Length(max=255)])
    affected_count = IntegerField(
        _l("People affected"), validators=[Optional(), NumberRange(min=0)]
    )
    description = TextAreaField(_l("Details"), validators=[Length(max=10000)])
    measures = TextAreaField(_l("Measures taken"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the incident"))
