"""Mails to buyers about their orders, in the language they ordered in."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import format_vnd
from app.mail import send_email
from app.models import Order, PaymentMethod, ShopOrder


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str

    def send(self) -> None:
        send_email(self.to, self.subject, self.text)


def _name(obj, lang: str) -> str:
    other = "en" if lang == "vi" else "vi"
    return getattr(obj, f"name_{lang}") or getattr(obj, f"name_{other}")


def _shop_name(shop_order: ShopOrder, lang: str) -> str:
    return (
        shop_order.shop_name_vi
        if lang == "vi"
        else (shop_order.shop_name_en or shop_order.shop_name_vi)
    )


def _order_url(order: Order) -> str:
    return url_for("orders.order_page", number=order.number, lang_code=order.locale, _external=True)


def order_placed(order: Order, shop_orders: list[ShopOrder]) -> Mail:
    """The confirmation: what was bought from whom, the totals, and how to pay."""
    lang = order.locale
    with force_locale(lang):
        lines = [
            _("Hello %(name)s,", name=order.contact_name),
            "",
            _("Thank you for your order %(number)s.", number=order.number),
            "",
        ]
        for shop_order in shop_orders:
            lines.append(f"{_shop_name(shop_order, lang)} ({shop_order.number})")
            for line in shop_order.lines:
                lines.append(
                    f"  {line.qty} × {_name(line, lang)}: {format_vnd(line.total_vnd, lang)}"
                )
            lines.append(
                "  " + _("Shipping: %(fee)s", fee=format_vnd(shop_order.shipping_vnd, lang))
            )
        lines += ["", _("Total: %(total)s", total=format_vnd(order.total_vnd, lang)), ""]
        if order.payment_method == PaymentMethod.COD:
            lines.append(_("You pay each cooperative in cash when its parcel arrives."))
        elif order.payment_method == PaymentMethod.BANK_TRANSFER:
            lines.append(
                _(
                    "Pay by bank transfer with the message %(message)s: the QR code and the "
                    "account are on your order page.",
                    message=order.transfer_message,
                )
            )
        else:
            lines.append(_("Pay by card on your order page if you have not done so yet."))
        lines += ["", _("Follow your order here: %(url)s", url=_order_url(order))]
        subject = _("Your Chợ HTX order %(number)s", number=order.number)
    return Mail(order.email, subject, "\n".join(lines))


def shop_order_shipped(shop_order: ShopOrder) -> None:
    order = shop_order.order
    lang = order.locale
    with force_locale(lang):
        subject = _("Your parcel from %(shop)s is on its way", shop=_shop_name(shop_order, lang))
        text = _(
            "Hello %(name)s,\n\n%(shop)s has shipped its part of order %(number)s with "
            "%(carrier)s, tracking number %(tracking)s.\n\nFollow your order here: %(url)s",
            name=order.contact_name,
            shop=_shop_name(shop_order, lang),
            number=order.number,
            carrier=shop_order.carrier,
            tracking=shop_order.tracking_number,
            url=_order_url(order),
        )
    send_email(order.email, subject, text)
