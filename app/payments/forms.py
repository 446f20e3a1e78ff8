from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from app.forms import Length, SiteForm


class ConfirmTransferForm(SiteForm):
    reference = StringField(
        _l("Bank transaction reference"),
        validators=[DataRequired(), Length(min=3, max=120)],
        description=_l("As shown in the bank statement for this transfer."),
    )
    submit = SubmitField(_l("Confirm payment received"))
