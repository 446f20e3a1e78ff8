from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, MultipleFileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from app.forms import (
    Length,
    NumberRange,
    OneLanguageRequired,
    SiteForm,
    choices,
    image_field,
    stripped,
)
from app.validators import is_phone, is_tax_code, normalise_phone

SELLER_TYPE_CHOICES = choices(
    [
        ("cooperative", _l("Cooperative")),
        ("union_of_cooperatives", _l("Union of cooperatives")),
        ("enterprise", _l("Enterprise")),
        ("household_business", _l("Household business")),
        ("cooperative_group", _l("Cooperative group (tổ hợp tác)")),
        ("individual", _l("Individual")),
    ]
)


def legal_name_field():
    return StringField(
        _l("Registered name"),
        validators=[Length(max=255)],
        description=_l("As on the registration certificate."),
    )


def seller_type_field():
    return SelectField(
        _l("Kind of seller"),
        choices=SELLER_TYPE_CHOICES,
        default="cooperative",
        description=_l(
            "Household businesses, cooperative groups and individuals have their tax "
            "withheld by Chợ HTX on each sale."
        ),
    )


class ShopProfileForm(SiteForm):
    name_vi = StringField(
        _l("Name (Vietnamese)"), validators=[OneLanguageRequired("name_en"), Length(max=160)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Length(max=160)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    tax_code = StringField(
        _l("Registration / tax code"),
        validators=[Optional()],
        description=_l("10 digits, or 13 for a branch: 0123456789-001"),
    )
    province_id = SelectField(_l("Province"), coerce=int)
    commune = StringField(_l("Commune / ward"), validators=[Length(max=120)])
    address = StringField(_l("Street address"), validators=[Length(max=255)])
    phone = StringField(
        _l("Phone"), validators=[Optional()], description=_l("+84 or 0 followed by 9 digits")
    )
    member_count = IntegerField(
        _l("Members"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    founded_year = IntegerField(
        _l("Year founded"),
        validators=[Optional(), NumberRange(min=1900, max=date.today().year, grouping=False)],
    )
    logo = image_field(_l("Logo"))
    legal_name = legal_name_field()
    legal_representative = StringField(_l("Legal representative"), validators=[Length(max=160)])
    seller_type = seller_type_field()
    owner_id_number = StringField(
        _l("Owner's citizen ID number"),
        validators=[Optional()],
        description=_l(
            "Household or individual sellers without a tax code: 12 digits. Never shown "
            "publicly; sent only to the tax authority."
        ),
    )
    submit = SubmitField(_l("Save profile"))

    def validate_owner_id_number(self, field):
        if field.data and not (field.data.strip().isdigit() and len(field.data.strip()) == 12):
            raise ValidationError(_l("A citizen ID number has 12 digits."))

    def validate_tax_code(self, field):
        if field.data and not is_tax_code(field.data.strip()):
            raise ValidationError(
                _l("A tax code has 10 digits, or 13 for a branch (0123456789-001).")
            )

    def validate_phone(self, field):
        if field.data and not is_phone(field.data):
            raise ValidationError(_l("Enter +84 or 0 followed by 9 digits."))

    def profile_values(self) -> dict:
        return {
            "name_vi": stripped(self.name_vi),
            "name_en": stripped(self.name_en),
            "description_vi": stripped(self.description_vi),
            "description_en": stripped(self.description_en),
            "tax_code": stripped(self.tax_code) or None,
            "province_id": self.province_id.data,
            "commune": stripped(self.commune),
            "address": stripped(self.address),
            "phone": normalise_phone(self.phone.data or ""),
            "member_count": self.member_count.data,
            "founded_year": self.founded_year.data,
            "legal_name": stripped(self.legal_name),
            "legal_representative": stripped(self.legal_representative),
            "seller_type": self.seller_type.data,
            "owner_id_number": stripped(self.owner_id_number) or None,
        }


class ShopRegistrationForm(SiteForm):
    """A cooperative registered by its own staff; an admin checks the papers before it opens."""

    name_vi = StringField(
        _l("Cooperative name (Vietnamese)"),
        validators=[OneLanguageRequired("name_en"), Length(max=160)],
    )
    name_en = StringField(_l("Cooperative name (English)"), validators=[Length(max=160)])
    tax_code = StringField(
        _l("Registration / tax code"),
        validators=[DataRequired(_l("Enter the registration / tax code."))],
        description=_l("10 digits, or 13 for a branch: 0123456789-001"),
    )
    province_id = SelectField(_l("Province"), coerce=int)
    commune = StringField(
        _l("Commune / ward"),
        validators=[DataRequired(_l("Enter the commune or ward.")), Length(max=120)],
    )
    address = StringField(_l("Street address"), validators=[Length(max=255)])
    phone = StringField(
        _l("Phone"), validators=[Optional()], description=_l("+84 or 0 followed by 9 digits")
    )
    legal_representative = StringField(
        _l("Legal representative"),
        validators=[DataRequired(_l("Name the legal representative.")), Length(max=160)],
    )
    legal_name = legal_name_field()
    seller_type = seller_type_field()
    documents = MultipleFileField(
        _l("Documents"),
        validators=[
            FileAllowed(["pdf", "jpg", "jpeg", "png"], _l("Upload PDF, JPEG or PNG files."))
        ],
        description=_l("Registration certificate and other papers: PDF, JPEG or PNG, 10 MB each."),
    )
    accept_rules = BooleanField(
        _l("I have read and accept the operating rules of Chợ HTX on behalf of this seller."),
        validators=[DataRequired(_l("Accept the operating rules to register."))],
    )
    submit = SubmitField(_l("Register the cooperative"))

    validate_tax_code = ShopProfileForm.validate_tax_code
    validate_phone = ShopProfileForm.validate_phone

    def registration(self):
        from app.shops.services import Registration

        return Registration(
            name_vi=stripped(self.name_vi),
            name_en=stripped(self.name_en),
            tax_code=stripped(self.tax_code),
            province_id=self.province_id.data,
            commune=stripped(self.commune),
            address=stripped(self.address),
            phone=normalise_phone(self.phone.data or ""),
            legal_representative=stripped(self.legal_representative),
            legal_name=stripped(self.legal_name),
            seller_type=self.seller_type.data,
        )

    def files(self) -> list[tuple[str, bytes]]:
        return [(f.filename, f.read()) for f in (self.documents.data or []) if f and f.filename]
