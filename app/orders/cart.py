"""The cart: in the session for guests, in the database for signed-in buyers, merged at sign-in.

Quantities are checked against stock when added and again, for real, at checkout (stock is
only reserved there). Lines are grouped by cooperative, each group with its shipping fee.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, session
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import tr
from app.models import CartItem, Product, ShippingRate, Shop, User

SESSION_KEY = "cart"
FAIR_SESSION_KEY = "cart_fairs"  # {product id: fair id} for lines added from a fair's page
MAX_LINES = 50  # the session cookie must stay small
MAX_QTY = 999


class CartError(ValueError):
    """A rule was broken; the message is for the buyer."""


@dataclass
class CartLine:
    product: Product
    qty: int
    fair_id: int | None = None  # the fair whose page it was added from (its sales figures)

    @property
    def total_vnd(self) -> int:
        return self.product.price_vnd * self.qty

    @property
    def problem(self) -> str | None:
        """Why this line cannot be bought as it is, or None."""
        if not self.product.is_public:
            return _("This product is no longer sold.")
        if self.product.stock <= 0:
            return _("Sold out.")
        if self.qty > self.product.stock:
            return _("Only %(n)s left.", n=self.product.stock)
        return None


@dataclass
class ShopCart:
    shop: Shop
    lines: list[CartLine]
    shipping_vnd: int = 0
    free_above_vnd: int | None = None

    @property
    def items_vnd(self) -> int:
        return sum(line.total_vnd for line in self.lines)

    @property
    def total_vnd(self) -> int:
        return self.items_vnd + self.shipping_vnd


@dataclass
class Cart:
    groups: list[ShopCart] = field(default_factory=list)

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def count(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def items_vnd(self) -> int:
        return sum(group.items_vnd for group in self.groups)

    @property
    def shipping_vnd(self) -> int:
        return sum(group.shipping_vnd for group in self.groups)

    @property
    def total_vnd(self) -> int:
        return self.items_vnd + self.shipping_vnd

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)

    def __bool__(self) -> bool:
        return bool(self.groups)


# --- shipping ----------------------------------------------------------------------------


def shipping_rate(shop_id: int) -> tuple[int, int | None]:
    """(flat fee, free-above threshold or None) for a shop: its own or the marketplace default."""
    rate = db.session.get(ShippingRate, shop_id)
    if rate is not None:
        return rate.fee_vnd, rate.free_above_vnd
    config = current_app.config
    return config["SHIPPING_FEE_VND"], config["FREE_SHIPPING_ABOVE_VND"] or None


def shipping_fee(shop_id: int, items_vnd: int) -> int:
    fee, free_above = shipping_rate(shop_id)
    return 0 if free_above is not None and items_vnd >= free_above else fee


# --- storage -----------------------------------------------------------------------------


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


def _session_cart() -> dict[str, int]:
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return {}
    cart = {}
    for key, qty in raw.items():
        if str(key).isdigit() and isinstance(qty, int) and 0 < qty <= MAX_QTY:
            cart[str(key)] = qty
    return cart


def quantities(user: User | None) -> dict[int, int]:
    """{product id: qty} in the cart."""
    if _signed_in(user):
        rows = db.session.execute(
            sa.select(CartItem.product_id, CartItem.qty).where(CartItem.user_id == user.id)
        )
        return {product_id: qty for product_id, qty in rows}
    return {int(key): qty for key, qty in _session_cart().items()}


def fair_ids(user: User | None) -> dict[int, int]:
    """{product id: fair id} for the lines added from a fair's page."""
    if _signed_in(user):
        rows = db.session.execute(
            sa.select(CartItem.product_id, CartItem.fair_id).where(
                CartItem.user_id == user.id, CartItem.fair_id.is_not(None)
            )
        )
        return dict(rows.all())
    raw = session.get(FAIR_SESSION_KEY)
    if not isinstance(raw, dict):
        return {}
    return {int(k): v for k, v in raw.items() if str(k).isdigit() and isinstance(v, int)}


def item_count(user: User | None) -> int:
    """Units in the cart, for the header."""
    if _signed_in(user):
        total = db.session.scalar(
            sa.select(sa.func.sum(CartItem.qty)).where(CartItem.user_id == user.id)
        )
        return int(total or 0)
    return sum(_session_cart().values())


def load_cart(user: User | None) -> Cart:
    """The cart with its products, grouped by cooperative, with per-shop shipping."""
    wanted = quantities(user)
    if not wanted:
        return Cart()
    products = db.session.scalars(
        sa.select(Product)
        .where(Product.id.in_(wanted))
        .options(
            so.joinedload(Product.shop).joinedload(Shop.province),
            so.selectinload(Product.images),
        )
        .order_by(Product.id)
    ).all()
    fairs = fair_ids(user)
    groups: dict[int, ShopCart] = {}
    for product in products:
        group = groups.setdefault(product.shop_id, ShopCart(shop=product.shop, lines=[]))
        group.lines.append(
            CartLine(product=product, qty=wanted[product.id], fair_id=fairs.get(product.id))
        )
    for group in groups.values():
        fee, free_above = shipping_rate(group.shop.id)
        group.free_above_vnd = free_above
        group.shipping_vnd = 0 if free_above is not None and group.items_vnd >= free_above else fee
    return Cart(groups=sorted(groups.values(), key=lambda g: tr(g.shop, "name")))


def _product_for_cart(product_id: int) -> Product:
    product = db.session.get(Product, product_id, options=[so.joinedload(Product.shop)])
    if product is None or not product.is_public:
        raise CartError(_("This product is not for sale."))
    return product


def _check_qty(product: Product, qty: int) -> None:
    if qty < 1 or qty > MAX_QTY:
        raise CartError(_("Choose a quantity from 1 to %(max)s.", max=MAX_QTY))
    if product.stock <= 0:
        raise CartError(_("%(name)s is sold out.", name=tr(product, "name")))
    if qty > product.stock:
        raise CartError(
            _(
                "Only %(n)s of %(name)s left in stock.",
                n=product.stock,
                name=tr(product, "name"),
            )
        )


def _item(user: User, product_id: int) -> CartItem | None:
    return db.session.scalar(
        sa.select(CartItem).where(CartItem.user_id == user.id, CartItem.product_id == product_id)
    )


def _store(
    user: User | None,
    product_id: int,
    qty: int,
    item: CartItem | None = None,
    fair_id: int | None = None,
) -> None:
    """Write one line (qty 0 removes it); the database cart is flushed, the session one is saved.

    A fair_id marks the line as added from that fair's page; without one, a mark stays."""
    if _signed_in(user):
        item = item or _item(user, product_id)
        if qty == 0:
            if item is not None:
                db.session.delete(item)
        elif item is None:
            db.session.add(
                CartItem(user_id=user.id, product_id=product_id, qty=qty, fair_id=fair_id)
            )
        else:
            item.qty = qty
            item.fair_id = fair_id or item.fair_id
        db.session.flush()
        return
    cart = _session_cart()
    fairs = {str(k): v for k, v in fair_ids(None).items()}
    if qty == 0:
        cart.pop(str(product_id), None)
        fairs.pop(str(product_id), None)
    else:
        if str(product_id) not in cart and len(cart) >= MAX_LINES:
            raise CartError(_("Your cart is full: check out or remove something first."))
        cart[str(product_id)] = qty
        if fair_id:
            fairs[str(product_id)] = fair_id
    session[SESSION_KEY] = cart
    if fairs:
        session[FAIR_SESSION_KEY] = fairs
    else:
        session.pop(FAIR_SESSION_KEY, None)


def add_item(user: User | None, product_id: int, qty: int, fair_id: int | None = None) -> Product:
    """Add units of a product; the total in the cart may not exceed the stock.

    `fair_id` attributes the line to a fair when it was added from that fair's page."""
    product = _product_for_cart(product_id)
    item = _item(user, product.id) if _signed_in(user) else None
    if _signed_in(user):
        in_cart = item.qty if item is not None else 0
    else:
        in_cart = int(_session_cart().get(str(product.id), 0))
    _check_qty(product, in_cart + qty)
    _store(user, product.id, in_cart + qty, item, fair_id=fair_id)
    return product


def set_quantity(user: User | None, product_id: int, qty: int) -> None:
    """Change a line's quantity; 0 removes it (also for products no longer sold)."""
    if qty == 0:
        _store(user, product_id, 0)
        return
    product = _product_for_cart(product_id)
    _check_qty(product, qty)
    _store(user, product.id, qty)


def merge_guest_cart(user: User) -> None:
    """At sign-in or registration: move the session cart into the buyer's own cart.

    Quantities of the same product add up, capped at the stock; unsellable lines are dropped.
    """
    guest = {int(key): qty for key, qty in _session_cart().items()}
    guest_fairs = fair_ids(None)
    session.pop(SESSION_KEY, None)
    session.pop(FAIR_SESSION_KEY, None)
    if not guest:
        return
    mine = {
        item.product_id: item
        for item in db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id))
    }
    for product_id, qty in guest.items():
        product = db.session.get(Product, product_id)
        if product is None or not product.is_public or product.stock <= 0:
            continue
        item = mine.get(product_id)
        total = min((item.qty if item else 0) + qty, product.stock, MAX_QTY)
        fair_id = guest_fairs.get(product_id)
        if item is None:
            db.session.add(
                CartItem(user_id=user.id, product_id=product_id, qty=total, fair_id=fair_id)
            )
        else:
            item.qty = total
            item.fair_id = fair_id or item.fair_id
    db.session.flush()


def remove_products(user: User, product_ids: list[int]) -> None:
    """Drop bought lines from a buyer's cart, inside the caller's (checkout) transaction."""
    db.session.execute(
        sa.delete(CartItem).where(
            CartItem.user_id == user.id, CartItem.product_id.in_(product_ids)
        ),
        execution_options={"synchronize_session": False},
    )
