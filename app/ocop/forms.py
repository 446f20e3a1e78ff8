from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.forms import (
    IMAGE_EXTENSIONS,
    Length,
    NumberRange,
    SiteForm,
    choices,
    iso_date_field,
    stripped,
)
from app.ocop.services import CertificateInput

PRODUCT_GROUP_LABELS = {
    "food": _l("Food"),
    "beverages": _l("Beverages"),
    "herbal": _l("Herbal products"),
    "textiles": _l("Textiles and garments"),
    "souvenirs": _l("Souvenirs, furniture and decoration"),
    "tourism": _l("Community tourism services and destinations"),
}


class CertificateForm(SiteForm):
    product_id = SelectField(_l("Product"), coerce=int, validators=[DataRequired()])
    certificate_no = StringField(
        _l("Certificate number"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("As printed on the certificate."),
    )
    stars = IntegerField(
        _l("Stars"),
        validators=[
            InputRequired(message=_l("Enter the stars: 3, 4 or 5.")),
            NumberRange(min=3, max=5, message=_l("Only 3, 4 or 5-star products are certified.")),
        ],
    )
    issuer = StringField(
        _l("Issuing authority"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. UBND tỉnh Đắk Lắk"),
    )
    issued_on = iso_date_field(_l("Issued on"), validators=[InputRequired()])
    expires_on = iso_date_field(_l("Expires on"), validators=[InputRequired()])
    product_group = SelectField(
        _l("Product group"),
        choices=choices(PRODUCT_GROUP_LABELS.items()),
        validators=[DataRequired()],
    )
    scan = FileField(
        _l("Scan of the certificate (PDF or image)"),
        validators=[FileAllowed([*IMAGE_EXTENSIONS, "pdf"], _l("Upload a PDF or an image."))],
    )
    submit = SubmitField(_l("Send for verification"))

    def certificate_input(self) -> CertificateInput:
        return CertificateInput(
            product_id=self.product_id.data,
            certificate_no=stripped(self.certificate_no),
            stars=self.stars.data,
            issuer=stripped(self.issuer),
            issued_on=self.issued_on.data,
            expires_on=self.expires_on.data,
            product_group=self.product_group.data,
        )

    def upload(self) -> bytes | None:
        data = self.scan.data
        return data.read() if data and getattr(data, "filename", "") else None


class DecisionForm(SiteForm):
    reason = TextAreaField(_l("Reason (shown to the cooperative)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Confirm"))
