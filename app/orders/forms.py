from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.forms import Length, NumberRange, SiteForm, stripped
from app.models import PaymentMethod
from app.orders.cart import MAX_QTY
from app.orders.checkout import Delivery
from app.validators import is_phone

PAYMENT_LABELS = {
    PaymentMethod.COD: _l("Cash on delivery"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (VietQR)"),
    PaymentMethod.CARD: _l("Card (Visa, Mastercard, JCB)"),
}


# A database id: larger numbers would overflow the column instead of finding nothing.
PRODUCT_ID_RANGE = NumberRange(min=1, max=2**63 - 1)


class AddToCartForm(SiteForm):
    product_id = IntegerField(validators=[InputRequired(), PRODUCT_ID_RANGE])
    fair = HiddenField()  # the slug of the fair page it was added from, if any
    qty = IntegerField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter a quantity.")),
            NumberRange(min=1, max=MAX_QTY, message=_l("Choose a quantity from 1 to 999.")),
        ],
    )
    submit = SubmitField(_l("Add to cart"))


class CartLineForm(SiteForm):
    product_id = IntegerField(validators=[InputRequired(), PRODUCT_ID_RANGE])
    qty = IntegerField(
        _l("Quantity"),
        validators=[
            InputRequired(message=_l("Enter a quantity.")),
            NumberRange(min=0, max=MAX_QTY, message=_l("Choose a quantity from 0 to 999.")),
        ],
    )


class DeliveryForm(SiteForm):
    """Where a parcel goes: checkout's delivery fields, also the address book's form."""

    name = StringField(
        _l("Full name of the receiver"), validators=[DataRequired(), Length(max=120)]
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired()],
        description=_l("+84 or 0 followed by 9 digits"),
    )
    address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=255)])
    commune = StringField(_l("Commune / ward"), validators=[Length(max=120)])
    province = SelectField(
        _l("Province"), validators=[DataRequired(message=_l("Choose a province."))]
    )

    def validate_phone(self, field):
        if field.data and not is_phone(field.data):
            raise ValidationError(_l("Enter +84 or 0 followed by 9 digits."))

    def delivery(self) -> Delivery:
        return Delivery(
            name=stripped(self.name),
            phone=stripped(self.phone),
            address=stripped(self.address),
            commune=stripped(self.commune),
            province=self.province.data or "",
        )

    def fill(self, delivery: Delivery) -> None:
        """Start the form from a saved address (or the last order's delivery)."""
        for name in ("name", "phone", "address", "commune", "province"):
            getattr(self, name).data = getattr(delivery, name)


class CheckoutForm(DeliveryForm):
    payment_method = RadioField(
        _l("Payment"), validators=[InputRequired(message=_l("Choose how to pay."))]
    )
    save_address = BooleanField(_l("Save this address in my address book"), default=True)
    submit = SubmitField(_l("Place order"))


class AddressForm(DeliveryForm):
    is_default = BooleanField(_l("Use this address by default at checkout"))
    submit = SubmitField(_l("Save address"))


class CancelForm(SiteForm):
    shop_order_id = HiddenField()
    submit = SubmitField(_lp("cancel a cooperative's part of an order", "Cancel"))


class ShipForm(SiteForm):
    carrier = StringField(
        _l("Carrier"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("e.g. Viettel Post, VNPost, GHN"),
    )
    tracking_number = StringField(
        _l("Tracking number"), validators=[DataRequired(), Length(max=80)]
    )
    submit = SubmitField(_l("Mark as shipped"))


class StaffCancelForm(SiteForm):
    reason = TextAreaField(
        _l("Reason (the buyer reads it)"), validators=[DataRequired(), Length(max=255)]
    )
    submit = SubmitField(_l("Cancel this order"))


class RefundForm(SiteForm):
    """Per-line quantities arrive as qty-<line id>; with none given, everything is refunded."""

    reason = StringField(
        _l("Reason (the buyer reads it)"), validators=[DataRequired(), Length(max=255)]
    )
    refund_all = SubmitField(_l("Refund everything"))
    refund_lines = SubmitField(_l("Refund the chosen units"))


class ShippingRateForm(SiteForm):
    fee_vnd = IntegerField(
        _l("Shipping fee per order (đồng)"),
        validators=[InputRequired(), NumberRange(min=0, max=10_000_000)],
    )
    free_above_vnd = IntegerField(
        _l("Free shipping from (đồng)"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000_000)],
        description=_l("Leave empty to always charge the fee."),
    )
    submit = SubmitField(_l("Save"))


def payment_label(method: str) -> str:
    return str(PAYMENT_LABELS.get(method, method))
