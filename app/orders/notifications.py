"""What buyers and cooperatives are told about orders, through app.notifications.

The buyer is told in the language they ordered in, at the order's email; staff in their own
account's language. Mail leaves once the change it reports has committed (send_email defers).
"""

from flask import url_for
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import format_vnd, localized
from app.models import Order, PaymentMethod, Refund, Shop, ShopOrder
from app.notifications.services import Recipient, buyer_of, notify, shop_params, staff_of


def _name(obj, lang: str) -> str:
    other = "en" if lang == "vi" else "vi"
    return getattr(obj, f"name_{lang}") or getattr(obj, f"name_{other}")


def _shop_name(shop_order: ShopOrder, lang: str) -> str:
    return (
        shop_order.shop_name_vi
        if lang == "vi"
        else (shop_order.shop_name_en or shop_order.shop_name_vi)
    )


def _order_url(order: Order, lang: str | None = None) -> str:
    return url_for(
        "orders.order_page", number=order.number, lang_code=lang or order.locale, _external=True
    )


def _buyer_params(shop_order: ShopOrder) -> dict:
    return {
        "order": shop_order.order.number,
        "shop_order": shop_order.number,
        "shop": shop_params(shop_order),
    }


def _staff_params(shop_order: ShopOrder) -> dict:
    shop = db.session.get(Shop, shop_order.shop_id)
    return {
        "order": shop_order.order.number,
        "shop_order": shop_order.number,
        "slug": shop.slug,
        "shop": shop_params(shop_order),
    }


# --- checkout --------------------------------------------------------------------------------


def order_placed(order: Order, shop_orders: list[ShopOrder]) -> None:
    """The buyer's confirmation, and each cooperative's staff their part: both always sent.

    Written from the objects in hand, inside the checkout's transaction.
    """
    notify(
        [buyer_of(order)],
        "order_placed",
        mail=lambda person: _placed_mail(order, shop_orders, person.lang),
        order=order.number,
        total_vnd=order.total_vnd,
        method=order.payment_method,
    )
    for shop_order in shop_orders:
        notify(
            staff_of(shop_order.shop_id),
            "new_order",
            mail=lambda person, part=shop_order: _new_order_mail(order, part, person),
            **_staff_params(shop_order),
            buyer=order.contact_name,
            items=sum(line.qty for line in shop_order.lines),
            total_vnd=shop_order.total_vnd,
            method=order.payment_method,
        )


def _placed_mail(order: Order, shop_orders: list[ShopOrder], lang: str) -> tuple[str, str]:
    """The confirmation: what was bought from whom, the totals, and how to pay."""
    lines = [
        _("Hello %(name)s,", name=order.contact_name),
        "",
        _("Thank you for your order %(number)s.", number=order.number),
        "",
    ]
    for shop_order in shop_orders:
        lines.append(f"{_shop_name(shop_order, lang)} ({shop_order.number})")
        lines += _line_list(shop_order, lang)
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
    return _("Your Chợ HTX order %(number)s", number=order.number), "\n".join(lines)


def _line_list(shop_order: ShopOrder, lang: str) -> list[str]:
    lines = [
        f"  {line.qty} × {_name(line, lang)}: {format_vnd(line.total_vnd, lang)}"
        for line in shop_order.lines
    ]
    lines.append("  " + _("Shipping: %(fee)s", fee=format_vnd(shop_order.shipping_vnd, lang)))
    return lines


def _new_order_mail(order: Order, shop_order: ShopOrder, person: Recipient) -> tuple[str, str]:
    """A cooperative's part: what to pack, where it goes, how it is paid, and the order page."""
    lang = person.lang
    shop = db.session.get(Shop, shop_order.shop_id)
    province = localized(order.province, "name", lang)[0]
    if order.payment_method == PaymentMethod.COD:
        payment = _(
            "Cash on delivery: collect %(total)s when the parcel is handed over. Confirm the "
            "order by packing it.",
            total=format_vnd(shop_order.total_vnd, lang),
        )
    else:
        payment = _(
            "Paid in advance (%(method)s): pack it once the order page says it is paid.",
            method=_method_label(order.payment_method),
        )
    lines = [
        _("Hello %(name)s,", name=person.name),
        "",
        _(
            "%(buyer)s ordered from %(shop)s (order %(number)s):",
            buyer=order.contact_name,
            shop=_shop_name(shop_order, lang),
            number=shop_order.number,
        ),
        *_line_list(shop_order, lang),
        "  " + _("Total: %(total)s", total=format_vnd(shop_order.total_vnd, lang)),
        "",
        payment,
        "",
        _("Deliver to:"),
        f"  {order.contact_name}, {order.phone}",
        "  " + ", ".join(part for part in (order.address, order.commune, province) if part),
        "",
        _(
            "Open the order: %(url)s",
            url=url_for(
                "orders.manage_order",
                slug=shop.slug,
                number=shop_order.number,
                lang_code=lang,
                _external=True,
            ),
        ),
    ]
    subject = _(
        "New order %(number)s for %(shop)s",
        number=shop_order.number,
        shop=_shop_name(shop_order, lang),
    )
    return subject, "\n".join(lines)


def _method_label(method: str) -> str:
    from app.orders.forms import PAYMENT_LABELS

    return str(PAYMENT_LABELS.get(method, method))


# --- the life of a shop order ----------------------------------------------------------------


def shop_order_shipped(shop_order: ShopOrder) -> None:
    notify(
        [buyer_of(shop_order.order)],
        "order_shipped",
        **_buyer_params(shop_order),
        carrier=shop_order.carrier,
        tracking=shop_order.tracking_number,
    )


def shop_order_delivered(shop_order: ShopOrder) -> None:
    notify([buyer_of(shop_order.order)], "order_delivered", **_buyer_params(shop_order))


def cancelled_by_buyer(shop_order: ShopOrder) -> None:
    """Staff must not pack it: their stock is back on sale."""
    notify(staff_of(shop_order.shop_id), "order_cancelled_by_buyer", **_staff_params(shop_order))


def cancelled_by_staff(shop_order: ShopOrder, reason: str, paid: bool) -> None:
    notify(
        [buyer_of(shop_order.order)],
        "order_cancelled",
        **_buyer_params(shop_order),
        reason=reason,
        paid=paid,
    )


def order_expired(order: Order) -> None:
    notify([buyer_of(order)], "order_expired", order=order.number)


def refunded(shop_order: ShopOrder, refund: Refund) -> None:
    notify(
        [buyer_of(shop_order.order)],
        "order_refunded",
        **_buyer_params(shop_order),
        amount_vnd=refund.amount_vnd,
        reason=refund.reason or "",
    )


def order_paid(order: Order, shop_orders: list[ShopOrder], method: str, amount_vnd: int) -> None:
    """The money is in: each cooperative may pack; a transfer's buyer is told it arrived
    (a card buyer saw it succeed on the page)."""
    if method == PaymentMethod.BANK_TRANSFER:
        notify([buyer_of(order)], "payment_confirmed", order=order.number, amount_vnd=amount_vnd)
    for shop_order in shop_orders:
        notify(
            staff_of(shop_order.shop_id),
            "order_paid",
            **_staff_params(shop_order),
            total_vnd=shop_order.total_vnd,
            method=method,
        )
