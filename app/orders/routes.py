from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog.pages import render_product_page
from app.catalog.services import public_product_by_slug
from app.extensions import db
from app.fairs import services as fairs
from app.forms import ActionForm, add_error, choices, form_page
from app.i18n import current_lang, tr
from app.models import PaymentMethod, Product, Refund
from app.orders import addresses, bp, services
from app.orders import cart as carts
from app.orders import checkout as checkouts
from app.orders.forms import (
    PAYMENT_LABELS,
    AddressForm,
    AddToCartForm,
    CancelForm,
    CartLineForm,
    CheckoutForm,
    DeliveryForm,
    RefundForm,
    ShipForm,
    ShippingRateForm,
    StaffCancelForm,
)
from app.orders.states import REFUNDABLE, STAFF, STATUS_LABELS, OrderStateError, can_move
from app.paging import paginate
from app.payments import services as payments
from app.payments import stripe_gateway
from app.payments.forms import ConfirmTransferForm
from app.payments.received import money_received
from app.shops.services import all_provinces, managed_shop
from app.unit_of_work import rollback

# --- cart -----------------------------------------------------------------------------------


@bp.route("/cart")
def cart():
    return render_template("orders/cart.html", cart=carts.load_cart(current_user))


def _product_page_with_error(product_id, message: str, status: int):
    """Back on the product page with the reason, so the buyer can pick another quantity."""
    product = db.session.get(Product, product_id) if isinstance(product_id, int) else None
    product = public_product_by_slug(product.slug) if product is not None else None
    if product is None:
        abort(404)
    flash(message, "error")
    return render_product_page(product, status)


@bp.route("/cart/add", methods=["POST"])
def cart_add():
    form = AddToCartForm()
    if not form.validate_on_submit():
        if form.product_id.errors:
            abort(400)
        return _product_page_with_error(
            form.product_id.data, " ".join(map(str, form.qty.errors)), status=400
        )
    fair_id = fairs.attributed_fair_id(form.fair.data, form.product_id.data)
    try:
        product = carts.add_item(current_user, form.product_id.data, form.qty.data, fair_id)
    except carts.CartError as error:
        return _product_page_with_error(form.product_id.data, str(error), status=409)
    flash(_("%(name)s is in your cart.", name=tr(product, "name")), "success")
    fair = form.fair.data if fair_id else None  # the product page keeps the fair for more adds
    return redirect(url_for("catalog.product_page", slug=product.slug, fair=fair))


@bp.route("/cart/update", methods=["POST"])
def cart_update():
    form = CartLineForm()
    status = 400
    if form.validate_on_submit():
        try:
            carts.set_quantity(current_user, form.product_id.data, form.qty.data)
        except carts.CartError as error:
            flash(str(error), "error")
            status = 409
        else:
            message = _("Removed from your cart.") if form.qty.data == 0 else _("Cart updated.")
            flash(message, "success")
            return redirect(url_for("orders.cart"))
    else:
        flash(" ".join(map(str, form.qty.errors)) or _("Choose a quantity from 0 to 999."), "error")
    return render_template("orders/cart.html", cart=carts.load_cart(current_user)), status


# --- checkout -------------------------------------------------------------------------------


def with_provinces(form: DeliveryForm) -> DeliveryForm:
    form.province.choices = choices(
        [("", _("— Choose a province —"))] + [(p.slug, tr(p, "name")) for p in all_provinces()]
    )
    return form


def checkout_form() -> CheckoutForm:
    form = with_provinces(CheckoutForm())
    form.payment_method.choices = choices(
        (m, PAYMENT_LABELS[m]) for m in payments.available_methods()
    )
    return form


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout():
    form = checkout_form()
    status = 200
    chosen = None
    if request.method == "GET":
        # A saved address the buyer picked, else the default one or the last order's.
        if request.args.get("address"):
            chosen = addresses.address_of(current_user, request.args.get("address", type=int))
            start = addresses.as_delivery(chosen)
        else:
            start = addresses.checkout_start(current_user)
        if start is not None:
            form.fill(start)
        if not form.name.data:
            form.name.data = current_user.name
        if len(form.payment_method.choices) == 1:
            form.payment_method.data = form.payment_method.choices[0].value
    elif form.validate_on_submit():
        try:
            order = checkouts.place_order(
                current_user, form.delivery(), form.payment_method.data, current_lang()
            )
        except checkouts.CheckoutError as error:
            add_error(form, error.field, error)
            status = 409 if isinstance(error, checkouts.OutOfStock) else 400
        else:
            if form.save_address.data:
                addresses.remember(current_user, form.delivery())
            flash(_("Thank you! Your order %(number)s is placed.", number=order.number), "success")
            return redirect(url_for("orders.order_page", number=order.number))
    else:
        status = 400
    cart = carts.load_cart(current_user)
    if not cart and status == 200:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("orders.cart"))
    return render_template(
        "orders/checkout.html",
        form=form,
        cart=cart,
        book=addresses.addresses_of(current_user),
        chosen=chosen,
    ), status


# --- the address book -----------------------------------------------------------------------


def render_address_book(form: AddressForm, status: int = 200):
    return render_template(
        "orders/addresses.html",
        addresses=addresses.addresses_of(current_user),
        form=form,
        action_form=ActionForm(),
    ), status


@bp.route("/account/addresses", methods=["GET", "POST"])
@login_required
def address_book():
    form = with_provinces(AddressForm())
    if not form.is_submitted():
        form.name.data = current_user.name
        return render_address_book(form)
    if form.validate():
        try:
            addresses.save_address(current_user, form.delivery(), make_default=form.is_default.data)
        except checkouts.CheckoutError as error:
            add_error(form, error.field, error)
        except addresses.AddressBookFull as error:
            flash(str(error), "error")
        else:
            flash(_("The address is saved."), "success")
            return redirect(url_for("orders.address_book"))
    return render_address_book(form, 400)


@bp.route("/account/addresses/<int:address_id>", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    address = addresses.address_of(current_user, address_id)
    form = with_provinces(AddressForm())
    if not form.is_submitted():
        form.fill(addresses.as_delivery(address))
        form.is_default.data = address.is_default
    elif form.validate():
        try:
            addresses.save_address(
                current_user, form.delivery(), address, make_default=form.is_default.data
            )
        except checkouts.CheckoutError as error:
            add_error(form, error.field, error)
        else:
            flash(_("The address is saved."), "success")
            return redirect(url_for("orders.address_book"))
    return form_page("orders/address_form.html", form=form, address=address)


@bp.route("/account/addresses/<int:address_id>/<action>", methods=["POST"])
@login_required
def address_action(address_id: int, action: str):
    address = addresses.address_of(current_user, address_id)
    if action not in ("delete", "default"):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "delete":
        addresses.delete_address(current_user, address)
        flash(_("The address is deleted."), "success")
    else:
        addresses.set_default(current_user, address)
        flash(_("Checkout now starts from this address."), "success")
    return redirect(url_for("orders.address_book"))


# --- buyers' orders -------------------------------------------------------------------------


@bp.route("/orders")
@login_required
def order_history():
    pagination = paginate(services.buyer_orders_query(current_user))
    return render_template("orders/history.html", pagination=pagination)


def render_order_page(order, status: int = 200):
    # The page only reads: the card form asks for its PaymentIntent by POST (card_intent).
    card, card_error = False, None
    if order.awaits_payment and order.payment_method == PaymentMethod.CARD:
        if stripe_gateway.is_enabled():
            card = True
        else:
            card_error = _("Card payment is switched off; contact us to pay another way.")
    return (
        render_template(
            "orders/order.html",
            order=order,
            card=card,
            card_error=card_error,
            publishable_key=stripe_gateway.publishable_key() if card else None,
            transfer=payments.transfer_instructions(order) if order.awaits_payment else None,
            confirm_form=(
                ConfirmTransferForm()
                if order.awaits_payment and payments.may_confirm_transfer(current_user, order)
                else None
            ),
            cancel_form=CancelForm(),
            may_cancel=lambda shop_order: services.buyer_may_cancel(order, shop_order),
            timeline=services.timeline,
        ),
        status,
    )


@bp.route("/orders/<number>")
@login_required
def order_page(number: str):
    return render_order_page(services.order_for_buyer(current_user, number))


@bp.route("/orders/<number>/card", methods=["POST"])
@login_required
def card_intent(number: str):
    """The card form's PaymentIntent (created on first need): what Stripe Elements mounts."""
    order = services.order_for_buyer(current_user, number)
    if not (order.awaits_payment and order.payment_method == PaymentMethod.CARD):
        return jsonify(error=_("This order does not wait for a card payment.")), 409
    if not stripe_gateway.is_enabled():
        return jsonify(error=_("Card payment is switched off; contact us to pay another way.")), 409
    try:
        intent = payments.ensure_payment_intent(order)
    except stripe_gateway.GatewayError:
        return jsonify(
            error=_("Card payment is unavailable right now; try again in a minute.")
        ), 503
    return jsonify(
        client_secret=intent.client_secret,
        status=intent.status,
        publishable_key=stripe_gateway.publishable_key(),
    )


@bp.route("/orders/<number>/cancel", methods=["POST"])
@login_required
def cancel_order(number: str):
    order = services.order_for_buyer(current_user, number)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    raw = form.shop_order_id.data or ""
    try:
        services.buyer_cancel(current_user, order, int(raw) if raw.isdigit() else None)
    except OrderStateError as error:
        flash(str(error), "error")
        return render_order_page(services.order_for_buyer(current_user, number), 409)
    except payments.PaymentError as error:
        flash(str(error), "error")
    else:
        flash(_("Cancelled. Anything you paid for it is refunded."), "success")
    return redirect(url_for("orders.order_page", number=number))


# --- staff ----------------------------------------------------------------------------------


@bp.route("/manage/<slug>/orders")
@login_required
def manage_orders(slug: str):
    shop = managed_shop(current_user, slug)
    status, q = request.args.get("status") or None, (request.args.get("q") or "").strip()
    pagination = paginate(services.staff_orders_query(shop, status, q or None))
    return render_template(
        "orders/manage_orders.html",
        shop=shop,
        pagination=pagination,
        status=status,
        q=q,
        statuses=list(STATUS_LABELS),
    )


def render_manage_order(shop, shop_order, status: int = 200, **forms):
    order = shop_order.order
    context = {
        "ship_form": ShipForm(formdata=None),
        "cancel_form": StaffCancelForm(formdata=None),
        "refund_form": RefundForm(formdata=None),
        "action_form": ActionForm(),
        **forms,
    }
    if order.awaits_payment and payments.may_confirm_transfer(current_user, order):
        context.setdefault("confirm_form", ConfirmTransferForm(formdata=None))
    return (
        render_template(
            "orders/manage_order.html",
            shop=shop,
            shop_order=shop_order,
            order=order,
            events=services.timeline(order, shop_order),
            refunds=services.refunds_of(shop_order),
            refundable=shop_order.status in REFUNDABLE,
            paid=money_received(shop_order),
            can=lambda to: can_move(shop_order, to, STAFF),
            **context,
        ),
        status,
    )


@bp.route("/manage/<slug>/orders/<number>")
@login_required
def manage_order(slug: str, number: str):
    shop = managed_shop(current_user, slug)
    return render_manage_order(shop, services.shop_order_for_staff(current_user, shop, number))


STAFF_MOVES = {"pack": services.pack, "deliver": services.deliver, "complete": services.complete}


@bp.route("/manage/<slug>/orders/<number>/<action>", methods=["POST"])
@login_required
def manage_order_action(slug: str, number: str, action: str):
    shop = managed_shop(current_user, slug)
    shop_order = services.shop_order_for_staff(current_user, shop, number)
    forms = {}
    try:
        if action in STAFF_MOVES:
            if not ActionForm().validate_on_submit():
                abort(400)
            STAFF_MOVES[action](current_user, shop_order)
            message = {
                "pack": _("Marked as packed."),
                "deliver": _("Marked as delivered."),
                "complete": _("Marked as completed."),
            }[action]
        elif action == "ship":
            forms["ship_form"] = form = ShipForm()
            if not form.validate_on_submit():
                return render_manage_order(shop, shop_order, 400, **forms)
            services.ship(current_user, shop_order, form.carrier.data, form.tracking_number.data)
            message = _("Marked as shipped; the buyer gets the tracking number.")
        elif action == "cancel":
            forms["cancel_form"] = form = StaffCancelForm()
            if not form.validate_on_submit():
                return render_manage_order(shop, shop_order, 400, **forms)
            services.staff_cancel(current_user, shop_order, form.reason.data)
            message = _("The order is cancelled.")
        elif action == "refund":
            forms["refund_form"] = form = RefundForm()
            if not form.validate_on_submit():
                return render_manage_order(shop, shop_order, 400, **forms)
            quantities = None
            if not form.refund_all.data:
                quantities = {}
                for line in shop_order.lines:
                    raw = (request.form.get(f"qty-{line.id}") or "0").strip()
                    if not raw.isdigit():
                        raise OrderStateError(_("Quantities are whole numbers, 0 or more."))
                    quantities[line.id] = int(raw)
            services.refund(current_user, shop_order, quantities, form.reason.data)
            message = _("The refund is recorded.")
        else:
            abort(404)
    except (OrderStateError, payments.PaymentError) as error:
        rollback()  # the page shows the order as it stands, not a move half made
        flash(str(error), "error")
        shop_order = services.shop_order_for_staff(current_user, shop, number)
        return render_manage_order(shop, shop_order, 409, **forms)
    flash(message, "success")
    return redirect(url_for("orders.manage_order", slug=shop.slug, number=number))


@bp.route("/manage/<slug>/orders/<number>/slip")
@login_required
def packing_slip(slug: str, number: str):
    shop = managed_shop(current_user, slug)
    shop_order = services.shop_order_for_staff(current_user, shop, number)
    return render_template(
        "orders/packing_slip.html", shop=shop, shop_order=shop_order, order=shop_order.order
    )


@bp.route("/manage/<slug>/refunds/<int:refund_id>/retry", methods=["POST"])
@login_required
def retry_refund(slug: str, refund_id: int):
    shop = managed_shop(current_user, slug)
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.shop_order.shop_id != shop.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.retry_refund(current_user, refund)
    except payments.PaymentError as error:
        flash(str(error), "error")
    else:
        flash(_("The refund is sent."), "success")
    return redirect(url_for("orders.manage_order", slug=shop.slug, number=refund.shop_order.number))


@bp.route("/manage/<slug>/shipping", methods=["GET", "POST"])
@login_required
def manage_shipping(slug: str):
    shop = managed_shop(current_user, slug)
    fee, free_above = carts.shipping_rate(shop.id)
    form = ShippingRateForm(data={"fee_vnd": fee, "free_above_vnd": free_above})
    status = 200
    if form.validate_on_submit():
        try:
            services.set_shipping_rate(
                current_user, shop, form.fee_vnd.data, form.free_above_vnd.data
            )
        except OrderStateError as error:
            form.fee_vnd.errors = [str(error)]
            status = 400
        else:
            flash(_("Shipping fees are saved."), "success")
            return redirect(url_for("orders.manage_shipping", slug=shop.slug))
    elif form.is_submitted():
        status = 400
    return render_template("orders/manage_shipping.html", shop=shop, form=form), status
