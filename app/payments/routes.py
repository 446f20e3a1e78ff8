from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import csrf
from app.orders import services as orders
from app.orders.states import OrderStateError
from app.payments import bp, services, stripe_events, stripe_gateway
from app.payments.forms import ConfirmTransferForm
from app.security import safe_redirect_target


@bp.route("/payments/stripe/webhook", methods=["POST"])
@csrf.exempt
def stripe_webhook():
    """Stripe's calls: signature checked over the raw body, each event applied once."""
    payload = request.get_data(cache=False)
    try:
        event = stripe_gateway.parse_webhook(payload, request.headers.get("Stripe-Signature"))
    except stripe_gateway.InvalidWebhook:
        return jsonify(error="invalid signature"), 400
    try:
        outcome = stripe_events.handle_stripe_event(event)
    except OrderStateError:
        # Another worker moved the order at the same moment: let Stripe retry shortly.
        return jsonify(error="conflict, retry"), 409
    current_app.logger.info("Stripe event %s %s: %s", event["id"], event["type"], outcome)
    return jsonify(received=True, outcome=outcome)


@bp.route("/<lang_code>/manage/transfers")
@login_required
def pending_transfers():
    """The operator's list of bank transfers waiting for confirmation."""
    if not current_user.is_admin:
        abort(403)
    return render_template(
        "payments/transfers.html", orders=services.pending_transfers(), form=ConfirmTransferForm()
    )


def _back_to(default: str) -> str:
    return safe_redirect_target(request.form.get("next"), default)


@bp.route("/<lang_code>/orders/<number>/confirm-transfer", methods=["POST"])
@login_required
def confirm_transfer(number: str):
    order = orders.order_by_number(number)
    if order is None:
        abort(404)
    form = ConfirmTransferForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.reference.errors)), "error")
    else:
        try:
            services.confirm_bank_transfer(current_user, order, form.reference.data)
        except services.PaymentError as error:
            flash(str(error), "error")
        else:
            flash(_("Payment of order %(n)s is confirmed.", n=order.number), "success")
    return redirect(_back_to(url_for("orders.order_page", number=order.number)))
