from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.forms import Length, SiteForm, SubForm, choices, iso_date_field, stripped
from app.trace.services import LotInput, StepInput

SCHEME_LABELS = {
    "vietgap": _l("VietGAP"),
    "organic": _l("Organic"),
    "globalgap": _l("GlobalG.A.P."),
    "other": _l("Other"),
}


class CertificationEntry(SiteForm):
    scheme = SelectField(
        _l("Certification"),
        choices=choices([("", _l("— None —")), *SCHEME_LABELS.items()]),
        default="",
    )
    number = StringField(_l("Certificate number"), validators=[Length(max=80)])

    def validate_number(self, field):
        if self.scheme.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the number of this certification."))


class StepEntry(SubForm):
    performed_on = iso_date_field(_l("Date"), validators=[Optional()])
    description_vi = StringField(_l("Step (Vietnamese)"), validators=[Length(max=300)])
    description_en = StringField(_l("Step (English)"), validators=[Length(max=300)])

    def validate_description_vi(self, field):
        # Here, not on the date: an empty optional date stops its own validation chain.
        described = (field.data or "").strip() or (self.description_en.data or "").strip()
        if described and self.performed_on.data is None and not self.performed_on.errors:
            raise ValidationError(_l("Enter the date of this step."))
        if self.performed_on.data is not None and not described:
            raise ValidationError(_l("Describe this step in Vietnamese or English."))


class LotForm(SiteForm):
    product_id = SelectField(_l("Product"), coerce=int, validators=[DataRequired()])
    code = StringField(
        _l("Lot code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("As printed on the package, e.g. CF-2026-11A."),
    )
    produced_on = iso_date_field(_l("Production or harvest date"), validators=[InputRequired()])
    province_id = SelectField(_l("Province"), coerce=int, validators=[Optional()])
    commune = StringField(_l("Commune"), validators=[Length(max=120)])
    area_code = StringField(
        _l("Farm or growing area code"),
        validators=[Length(max=60)],
        description=_l("e.g. a growing area code (mã số vùng trồng)."),
    )
    inputs_vi = TextAreaField(_l("Inputs used (Vietnamese)"), validators=[Length(max=5000)])
    inputs_en = TextAreaField(_l("Inputs used (English)"), validators=[Length(max=5000)])
    quantity = StringField(
        _l("Quantity"), validators=[Length(max=80)], description=_l("e.g. 1,200 bottles of 500 ml")
    )
    is_current = BooleanField(_l("On sale now: show this lot on the product page"), default=True)
    certifications = FieldList(FormField(CertificationEntry), min_entries=3, max_entries=10)
    steps = FieldList(FormField(StepEntry), min_entries=6, max_entries=30)
    submit = SubmitField(_l("Save lot"))

    def lot_input(self) -> LotInput:
        return LotInput(
            product_id=self.product_id.data,
            code=stripped(self.code),
            produced_on=self.produced_on.data,
            province_id=self.province_id.data or None,
            commune=stripped(self.commune),
            area_code=stripped(self.area_code),
            inputs_vi=stripped(self.inputs_vi),
            inputs_en=stripped(self.inputs_en),
            quantity=stripped(self.quantity),
            is_current=bool(self.is_current.data),
            certifications=[
                (entry.scheme.data, stripped(entry.number))
                for entry in self.certifications
                if entry.scheme.data
            ],
            steps=[
                StepInput(
                    entry.performed_on.data,
                    stripped(entry.description_vi),
                    stripped(entry.description_en),
                )
                for entry in self.steps
                if entry.performed_on.data is not None
            ],
        )
