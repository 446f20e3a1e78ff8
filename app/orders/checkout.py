"""Checkout: the cart becomes one Order, one ShopOrder per cooperative, with its stock reserved.

The reservation is a conditional UPDATE (`stock >= qty`) in the same transaction that writes
the order, so several gunicorn workers can never sell the same unit twice: the database
decides, and a buyer who loses the race gets a clear message and nothing written.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import tr
from app.models import (
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    Product,
    Province,
    ShopOrder,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.orders import cart as carts
from app.orders import notifications
from app.orders.states import first_status
from app.payments import services as payments
from app.payouts import ledger
from app.shops.services import find_province
from app.unit_of_work import after_commit, rollback
from app.validators import is_phone, normalise_phone


class CheckoutError(ValueError):
    """The order cannot be placed; the message is for the buyer, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class OutOfStock(CheckoutError):
    """Someone else bought the last units first."""


@dataclass
class Delivery:
    name: str
    phone: str
    address: str
    commune: str
    province: str  # slug, e.g. "dak-lak"


def order_number(order_id: int, when) -> str:
    """CHX-2026-000123: the year in Vietnam, then the order's id."""
    return f"CHX-{when.astimezone(VIETNAM).year}-{order_id:06d}"


def payment_deadline(method: str, now):
    minutes = {
        PaymentMethod.CARD: current_app.config["CARD_PAYMENT_TIMEOUT_MINUTES"],
        PaymentMethod.BANK_TRANSFER: current_app.config["BANK_TRANSFER_TIMEOUT_MINUTES"],
    }.get(method)
    return now + timedelta(minutes=minutes) if minutes else None


def check_delivery(delivery: Delivery) -> Province:
    """The delivery's province once every field is valid; a CheckoutError names the field."""
    name, address = delivery.name.strip(), delivery.address.strip()
    if not name or len(name) > 120:
        raise CheckoutError(_("Enter the name of the person who receives the parcel."), "name")
    if not is_phone(delivery.phone or ""):
        raise CheckoutError(_("Enter +84 or 0 followed by 9 digits."), "phone")
    if not address or len(address) > 255:
        raise CheckoutError(_("Enter the street address."), "address")
    if len(delivery.commune.strip()) > 120:
        raise CheckoutError(_("The commune name is too long."), "commune")
    slug = (delivery.province or "").strip()
    province = (
        db.session.scalar(sa.select(Province).where(Province.slug == slug)) or find_province(slug)
        if slug
        else None
    )
    if province is None:
        raise CheckoutError(_("Choose a province."), "province")
    return province


def _reserve_stock(lines: list[carts.CartLine]) -> list[carts.CartLine]:
    """Take the units off the shelf; returns the lines that could not be served."""
    short = []
    for line in sorted(lines, key=lambda line: line.product.id):  # one lock order: no deadlocks
        taken = db.session.execute(
            sa.update(Product)
            .where(Product.id == line.product.id, Product.stock >= line.qty)
            .values(stock=Product.stock - line.qty),
            execution_options={"synchronize_session": False},
        ).rowcount
        if taken != 1:
            short.append(line)
    return short


def _out_of_stock_message(short: list[carts.CartLine]) -> str:
    parts = []
    for line in short:
        stock = db.session.scalar(sa.select(Product.stock).where(Product.id == line.product.id))
        if stock:
            parts.append(_("only %(n)s of %(name)s left", n=stock, name=tr(line.product, "name")))
        else:
            parts.append(_("%(name)s is sold out", name=tr(line.product, "name")))
    return _(
        "Sorry, someone was faster: %(items)s. Change your cart and try again.",
        items="; ".join(parts),
    )


def place_order(user: User, delivery: Delivery, payment_method: str, lang: str) -> Order:
    """Turn the buyer's cart into an order in one transaction; nothing is written on failure."""
    if payment_method not in payments.available_methods():
        raise CheckoutError(_("Choose one of the payment methods offered."), "payment_method")
    province = check_delivery(delivery)
    cart = carts.load_cart(user)
    if not cart:
        raise CheckoutError(_("Your cart is empty."))
    unsold = [line for line in cart.lines if not line.product.is_public]
    if unsold:
        raise CheckoutError(
            _(
                "%(name)s is no longer sold: remove it from your cart.",
                name=tr(unsold[0].product, "name"),
            )
        )
    commission = {
        line.product.id: ledger.product_commission_bps(line.product) for line in cart.lines
    }
    now = utcnow()
    short = _reserve_stock(cart.lines)  # the first write: the transaction starts here
    if short:
        rollback()  # the units taken from the other lines go back on the shelf
        raise OutOfStock(_out_of_stock_message(short))
    order = _write_order(user, delivery, province, cart, payment_method, lang, commission, now)
    # Once the order is committed: the confirmation mail (send_email waits for the commit by
    # itself) and, for card, the PaymentIntent, so that it exists when the order page opens.
    notifications.order_placed(order, order.shop_orders)
    if payment_method == PaymentMethod.CARD:
        after_commit(payments.create_intent_after_checkout, order.id)
    return order


def _write_order(user, delivery, province, cart, payment_method, lang, commission, now) -> Order:
    """The order, its shop orders and lines, copied from the cart; the cart is emptied."""
    order = Order(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        buyer_id=user.id,
        email=user.email,
        locale=lang,
        contact_name=delivery.name.strip(),
        phone=normalise_phone(delivery.phone),
        address=delivery.address.strip(),
        commune=delivery.commune.strip(),
        province_id=province.id,
        payment_method=payment_method,
        payment_status=PaymentStatus.UNPAID,
        items_vnd=cart.items_vnd,
        shipping_vnd=cart.shipping_vnd,
        total_vnd=cart.total_vnd,
        refunded_vnd=0,
        expires_at=payment_deadline(payment_method, now),
        created_at=now,
    )
    db.session.add(order)
    db.session.flush()  # the id makes the number
    order.number = order_number(order.id, now)
    if payment_method == PaymentMethod.BANK_TRANSFER:
        order.transfer_message = payments.transfer_message(order.number)
    for position, group in enumerate(cart.groups, start=1):
        shop_order = ShopOrder(
            order=order,
            number=f"{order.number}-{position}",
            shop_id=group.shop.id,
            shop_name_vi=group.shop.name_vi,
            shop_name_en=group.shop.name_en,
            status=first_status(payment_method),
            items_vnd=group.items_vnd,
            shipping_vnd=group.shipping_vnd,
            total_vnd=group.total_vnd,
            refunded_vnd=0,
            commission_bps=ledger.shop_commission_bps(group.shop),
            created_at=now,
            updated_at=now,
        )
        for line in group.lines:
            product = line.product
            shop_order.lines.append(
                OrderLine(
                    product_id=product.id,
                    shop_id=product.shop_id,
                    sku=product.sku,
                    name_vi=product.name_vi,
                    name_en=product.name_en,
                    unit_vi=product.unit_vi,
                    unit_en=product.unit_en,
                    unit_price_vnd=product.price_vnd,
                    qty=line.qty,
                    refunded_qty=0,
                    fair_id=line.fair_id,
                    commission_bps=commission[product.id],
                )
            )
        db.session.add(
            OrderEvent(
                order=order,
                shop_order=shop_order,
                actor_id=user.id,
                from_status=None,
                to_status=shop_order.status,
                note="",  # the timeline names the first event "Order placed"
                created_at=now,
            )
        )
    carts.remove_products(user, [line.product.id for line in cart.lines])
    db.session.flush()
    return order
