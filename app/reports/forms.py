from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from app.forms import Length, SiteForm, choices
from app.reports.services import MAX_TEXT, REASON_LABELS


class ReportForm(SiteForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=choices(REASON_LABELS.items()),
        validators=[InputRequired(_l("Choose a reason from the list."))],
    )
    text = TextAreaField(
        _l("Details"),
        validators=[
            Length(max=MAX_TEXT, message=_l("Describe the problem in at most %(max)d characters."))
        ],
        description=_l('Required for "Something else". Do not include personal data.'),
    )
    submit = SubmitField(_l("Send the report"))
