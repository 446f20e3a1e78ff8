from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.forms import Length, NumberRange, SiteForm, choices
from app.payments.banks import BANKS, bank_by_bin


class BankDetailsForm(SiteForm):
    # The bank is chosen by name; its NAPAS BIN is what is stored and sent. The service checks
    # the value, so a stored BIN that left the list still shows (see with_bank_choices).
    bank_bin = SelectField(
        _l("Bank"),
        validators=[DataRequired(message=_l("Choose your bank."))],
        validate_choice=False,
    )
    account_no = StringField(_l("Account number"), validators=[DataRequired(), Length(max=40)])
    account_holder = StringField(
        _l("Account holder"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("As the bank knows it, e.g. HTX NONG NGHIEP EA KAR."),
    )
    submit = SubmitField(_l("Save bank details"))

    def with_bank_choices(self, stored_bin: str | None) -> "BankDetailsForm":
        pairs = [("", _l("— Choose your bank —"))] + [(b.bin, b.label) for b in BANKS]
        if stored_bin and bank_by_bin(stored_bin) is None:
            pairs.append((stored_bin, stored_bin))
        self.bank_bin.choices = choices(pairs)
        return self


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
