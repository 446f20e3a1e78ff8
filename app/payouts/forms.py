from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.forms import Length, NumberRange, SiteForm


class BankDetailsForm(SiteForm):
    bank_bin = StringField(
        _l("Bank BIN"),
        validators=[DataRequired(), Length(max=6)],
        description=_l("The 6-digit code of your bank in NAPAS, e.g. 970436 for Vietcombank."),
    )
    account_no = StringField(_l("Account number"), validators=[DataRequired(), Length(max=40)])
    account_holder = StringField(
        _l("Account holder"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("As the bank knows it, e.g. HTX NONG NGHIEP EA KAR."),
    )
    submit = SubmitField(_l("Save bank details"))


class RunForm(SiteForm):
    until = DateField(
        _l("Pay sales whose return window ended by"),
        validators=[Optional()],
        description=_l("Leave empty for today."),
    )
    preview = SubmitField(_l("Preview"))
    run = SubmitField(_l("Create payouts"))


class MarkPaidForm(SiteForm):
    reference = StringField(
        _l("Bank transaction reference"), validators=[DataRequired(), Length(min=3, max=120)]
    )
    submit = SubmitField(_l("Mark paid"))


class MarkFailedForm(SiteForm):
    reason = StringField(_l("Why it failed"), validators=[DataRequired(), Length(max=255)])
    submit = SubmitField(_l("Mark failed"))


class AdjustmentForm(SiteForm):
    shop = StringField(_l("Shop address (slug)"), validators=[DataRequired(), Length(max=80)])
    amount_vnd = IntegerField(
        _l("Amount (đồng)"),
        validators=[InputRequired()],
        description=_l("Positive credits the cooperative, negative debits it."),
    )
    reason = StringField(
        _l("Reason (the cooperative reads it)"), validators=[DataRequired(), Length(max=255)]
    )
    submit = SubmitField(_l("Post adjustment"))


class RatesForm(SiteForm):
    """A shop's terms, or a category's rate: the target is a shop or a category slug."""

    target = StringField(
        _l("Shop or category address (slug)"), validators=[DataRequired(), Length(max=80)]
    )
    commission_bps = IntegerField(
        _l("Commission (basis points)"),
        validators=[Optional(), NumberRange(min=0, max=5000)],
        description=_l("800 = 8%. Leave empty for the default."),
    )
    payout_minimum_vnd = IntegerField(
        _l("Smallest payout (đồng, shops only)"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000_000)],
        description=_l("Leave empty for the default."),
    )
    submit = SubmitField(_l("Save rates"))
