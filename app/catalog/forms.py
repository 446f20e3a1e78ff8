from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp, ValidationError

from app.catalog.facts import FACT_CODES, FACT_LABELS
from app.catalog.services import ProductInput
from app.forms import (
    Length,
    NumberRange,
    OneLanguageRequired,
    SiteForm,
    choices,
    images_field,
    stripped,
)
from app.validators import gtin14, is_gtin


class GtinCheck:
    def __call__(self, form, field):
        if not is_gtin((field.data or "").strip()):
            raise ValidationError(_l("This is not a valid GTIN: check the digits."))


class ProductForm(SiteForm):
    sku = StringField(
        _l("SKU"),
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(
                r"^[A-Za-z0-9._\-]+$", message=_l("Use letters, digits, dot, dash or underscore.")
            ),
        ],
        description=_l("Your own product code, unique in your shop."),
    )
    name_vi = StringField(
        _l("Name (Vietnamese)"), validators=[OneLanguageRequired("name_en"), Length(max=200)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), validators=[Length(max=10000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=10000)])
    category_id = SelectField(_l("Category"), coerce=int, validators=[Optional()])
    price_vnd = IntegerField(
        _l("Price (đồng)"),
        validators=[InputRequired(), NumberRange(min=1, max=10_000_000_000)],
    )
    stock = IntegerField(
        _l("Stock"), validators=[Optional(), NumberRange(min=0, max=10_000_000)], default=0
    )
    unit_vi = StringField(
        _l("Unit (Vietnamese)"),
        validators=[Length(max=40)],
        description=_l("e.g. chai 500 ml, gói 1 kg"),
    )
    unit_en = StringField(
        _l("Unit (English)"),
        validators=[Length(max=40)],
        description=_l("e.g. 500 ml bottle, 1 kg bag"),
    )
    weight_g = IntegerField(
        _l("Weight (g)"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    gtin = StringField(
        _l("GTIN (barcode number)"),
        validators=[Optional(), GtinCheck()],
        description=_l(
            "8, 12, 13 or 14 digits (kept as 14); lot QR codes then use GS1 Digital Link."
        ),
    )
    images = images_field(_l("Images (up to 8)"))
    save_draft = SubmitField(_l("Save as draft"))
    submit_review = SubmitField(_l("Save and publish"))

    def product_input(self) -> ProductInput:
        return ProductInput(
            sku=stripped(self.sku),
            name_vi=stripped(self.name_vi),
            name_en=stripped(self.name_en),
            description_vi=stripped(self.description_vi),
            description_en=stripped(self.description_en),
            category_id=self.category_id.data or None,
            price_vnd=self.price_vnd.data,
            stock=self.stock.data or 0,
            unit_vi=stripped(self.unit_vi),
            unit_en=stripped(self.unit_en),
            weight_g=self.weight_g.data,
            gtin=gtin14(stripped(self.gtin)) if stripped(self.gtin) else None,
            facts={
                code: {lang: stripped(self[f"fact_{code}_{lang}"]) for lang in ("vi", "en")}
                for code in FACT_CODES
            },
        )

    def fill_facts(self, product) -> None:
        """Show a product's saved facts in the fields (not done by obj=: they live in a dict)."""
        for code, values in (product.facts or {}).items():
            for lang in ("vi", "en"):
                name = f"fact_{code}_{lang}"
                if name in self._fields and not self[name].data:
                    self[name].data = values.get(lang, "")

    def fact_fields(self) -> list:
        """(code, Vietnamese field, English field) for the template."""
        return [(code, self[f"fact_{code}_vi"], self[f"fact_{code}_en"]) for code in FACT_CODES]

    def uploads(self) -> list[bytes]:
        return [f.read() for f in (self.images.data or []) if f and f.filename]


for _code, _label in FACT_LABELS.items():
    setattr(
        ProductForm,
        f"fact_{_code}_vi",
        StringField(_l("%(fact)s (Vietnamese)", fact=_label), validators=[Length(max=1000)]),
    )
    setattr(
        ProductForm,
        f"fact_{_code}_en",
        StringField(_l("%(fact)s (English)", fact=_label), validators=[Length(max=1000)]),
    )


class StockForm(SiteForm):
    stock = IntegerField(
        _l("Stock"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=0, max=10_000_000),
        ],
    )
    submit = SubmitField(_l("Update"))


def product_choices(shop) -> list:
    """A shop's products for a select box (certificates, lots), by SKU, after a prompt."""
    from flask_babel import gettext as _

    from app.catalog.services import staff_products_query
    from app.extensions import db
    from app.i18n import tr
    from app.models import Product

    query = staff_products_query(shop).order_by(None).order_by(Product.sku)
    return choices(
        [(0, _("— Choose a product —"))]
        + [(p.id, f"{tr(p, 'name')} ({p.sku})") for p in db.session.scalars(query)]
    )
