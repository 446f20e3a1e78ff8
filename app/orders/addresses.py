"""The buyer's address book: saved delivery addresses, one of them the default for checkout.

Checkout starts from the default address, or from the last order's delivery when the book is
empty, so a returning buyer types nothing. The rules for a valid address are checkout's own
(check_delivery). Services flush; the request commits.
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import Address, Order, User
from app.orders.checkout import Delivery, check_delivery
from app.validators import normalise_phone

MAX_ADDRESSES = 20


class AddressBookFull(ValueError):
    """The message is for the buyer."""


def addresses_of(user: User) -> list[Address]:
    """The default address first, then the newest."""
    return list(
        db.session.scalars(
            sa.select(Address)
            .where(Address.user_id == user.id)
            .order_by(Address.is_default.desc(), Address.id.desc())
        )
    )


def address_of(user: User, address_id: int | None) -> Address:
    """One of the user's own addresses; anybody else's is not found."""
    address = db.session.get(Address, address_id) if address_id else None
    if address is None or address.user_id != user.id:
        raise NotFound()
    return address


def as_delivery(address: Address | Order) -> Delivery:
    name = address.name if isinstance(address, Address) else address.contact_name
    return Delivery(
        name=name,
        phone=address.phone,
        address=address.address,
        commune=address.commune,
        province=address.province.slug,
    )


def checkout_start(user: User) -> Delivery | None:
    """What checkout fills in: the default address, else the last order's delivery."""
    book = addresses_of(user)
    if book:
        return as_delivery(book[0])
    last = db.session.scalar(
        sa.select(Order).where(Order.buyer_id == user.id).order_by(Order.id.desc()).limit(1)
    )
    return as_delivery(last) if last is not None else None


def save_address(
    user: User, delivery: Delivery, address: Address | None = None, make_default: bool = False
) -> Address:
    """Add an address (address None) or change one; the first one becomes the default."""
    province = check_delivery(delivery)
    if address is None:
        if len(addresses_of(user)) >= MAX_ADDRESSES:
            raise AddressBookFull(
                _("An address book holds %(n)s addresses at most.", n=MAX_ADDRESSES)
            )
        address = Address(user_id=user.id)
        db.session.add(address)
    address.name = delivery.name.strip()
    address.phone = normalise_phone(delivery.phone)
    address.address = delivery.address.strip()
    address.commune = delivery.commune.strip()
    address.province_id = province.id
    db.session.flush()
    if make_default or not any(a.is_default for a in addresses_of(user) if a.id != address.id):
        set_default(user, address)
    return address


def remember(user: User, delivery: Delivery) -> None:
    """After checkout: keep the delivery in the book unless the same address is there."""
    wanted = (
        delivery.name.strip(),
        normalise_phone(delivery.phone),
        delivery.address.strip(),
        delivery.commune.strip(),
        delivery.province,
    )
    for address in addresses_of(user):
        if (
            address.name,
            address.phone,
            address.address,
            address.commune,
            address.province.slug,
        ) == wanted:
            return
    if len(addresses_of(user)) < MAX_ADDRESSES:
        save_address(user, delivery)


def set_default(user: User, address: Address) -> None:
    if address.user_id != user.id:
        raise NotFound()
    db.session.execute(
        sa.update(Address)
        .where(Address.user_id == user.id, Address.id != address.id)
        .values(is_default=False),
        execution_options={"synchronize_session": "fetch"},
    )
    address.is_default = True
    db.session.flush()


def delete_address(user: User, address: Address) -> None:
    """Remove an address; if it was the default, the newest one left takes its place."""
    if address.user_id != user.id:
        raise NotFound()
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    left = addresses_of(user)
    if was_default and left:
        set_default(user, left[0])
