"""The one module that talks to Stripe.

A StripeClient per call, built from the app config (STRIPE_API_BASE points it at a local
fake in tests), so nothing global is set. Every create call carries an idempotency key
derived from our own ids: a retry after a timeout can never charge or refund twice.
Callers must not hold a database transaction open across these calls.
"""

import json
from dataclasses import dataclass

import stripe
from flask import current_app

CURRENCY = "vnd"  # zero-decimal: 150000 means 150.000 ₫


class GatewayError(Exception):
    """Stripe refused or could not be reached; the message is safe to show to staff.

    `transient` when Stripe could not be reached or failed on its side (timeout, dropped
    connection, 5xx, rate limit): the same call, with the same idempotency key, may well
    succeed later, and can never act twice.
    """

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


# Errors after which the call may be sent again, with the same idempotency key.
TRANSIENT = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)


class InvalidWebhook(ValueError):
    """The webhook body or its Stripe-Signature does not check out."""


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    amount: int
    client_secret: str | None


def is_enabled() -> bool:
    """Card payment needs all three keys; without them the option is hidden, never broken."""
    config = current_app.config
    return all(
        config.get(key)
        for key in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
    )


def publishable_key() -> str:
    return current_app.config["STRIPE_PUBLISHABLE_KEY"]


def _client() -> stripe.StripeClient:
    config = current_app.config
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        max_network_retries=2,  # safe: retries reuse the idempotency key
        # A Stripe that hangs must not hold a worker past gunicorn's timeout.
        http_client=stripe.RequestsClient(timeout=config.get("STRIPE_TIMEOUT_SECONDS", 15)),
    )


def _intent(pi) -> Intent:
    return Intent(id=pi.id, status=pi.status, amount=pi.amount, client_secret=pi.client_secret)


def _fail(error: stripe.StripeError) -> GatewayError:
    current_app.logger.warning("Stripe error: %s", error)
    message = getattr(error, "user_message", None) or str(error) or "Stripe error"
    return GatewayError(message, transient=isinstance(error, TRANSIENT))


def create_payment_intent(*, order_number: str, amount_vnd: int, description: str) -> Intent:
    """One PaymentIntent per order; the order number is the idempotency key and transfer group."""
    try:
        pi = _client().v1.payment_intents.create(
            {
                "amount": amount_vnd,
                "currency": CURRENCY,
                "payment_method_types": ["card"],
                "description": description,
                "metadata": {"order_number": order_number},
                "transfer_group": order_number,  # payouts transfer to shops under it
            },
            {"idempotency_key": f"order-{order_number}-payment-intent"},
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return _intent(pi)


def retrieve_payment_intent(intent_id: str) -> Intent:
    try:
        return _intent(_client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as error:
        raise _fail(error) from error


def cancel_payment_intent(intent_id: str) -> None:
    """Release an unpaid intent (order cancelled or expired); an already final one is left alone."""
    try:
        _client().v1.payment_intents.cancel(
            intent_id,
            {"cancellation_reason": "abandoned"},
            {"idempotency_key": f"{intent_id}-cancel"},
        )
    except stripe.InvalidRequestError as error:
        current_app.logger.info("PaymentIntent %s not cancelled: %s", intent_id, error)
    except stripe.StripeError as error:
        raise _fail(error) from error


def create_refund(*, intent_id: str, amount_vnd: int, refund_key: str, order_number: str) -> str:
    """Refund part or all of an order's charge; returns the Stripe refund id."""
    try:
        refund = _client().v1.refunds.create(
            {
                "payment_intent": intent_id,
                "amount": amount_vnd,
                "reason": "requested_by_customer",
                "metadata": {"order_number": order_number, "refund": refund_key},
            },
            {"idempotency_key": f"refund-{refund_key}"},
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return refund.id


# --- Connect: cooperatives' Express accounts, transfers to them, and reversals -------------


@dataclass(frozen=True)
class ConnectedAccount:
    id: str
    payouts_enabled: bool
    details_submitted: bool


def create_connected_account(*, shop_key: str, email: str | None = None) -> str:
    """An Express account for one cooperative (one per shop: the key makes a retry find it)."""
    params = {
        "type": "express",
        "country": "VN",
        "default_currency": CURRENCY,
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"shop": shop_key},
    }
    if email:
        params["email"] = email
    try:
        account = _client().v1.accounts.create(
            params, {"idempotency_key": f"shop-{shop_key}-account"}
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return account.id


def create_account_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """The hosted onboarding URL (valid a few minutes) the cooperative's staff are sent to."""
    try:
        link = _client().v1.account_links.create(
            {
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return link.url


def retrieve_account(account_id: str) -> ConnectedAccount:
    try:
        account = _client().v1.accounts.retrieve(account_id)
    except stripe.StripeError as error:
        raise _fail(error) from error
    return ConnectedAccount(
        id=account.id,
        payouts_enabled=bool(account.payouts_enabled),
        details_submitted=bool(account.details_submitted),
    )


def create_transfer(
    *, payout_key: str, amount_vnd: int, destination: str, transfer_group: str, description: str
) -> str:
    """Send a payout to a connected account (separate charges and transfers); the transfer id."""
    try:
        transfer = _client().v1.transfers.create(
            {
                "amount": amount_vnd,
                "currency": CURRENCY,
                "destination": destination,
                "transfer_group": transfer_group,
                "description": description,
                "metadata": {"payout": payout_key},
            },
            {"idempotency_key": f"payout-{payout_key}-transfer"},
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return transfer.id


def reverse_transfer(*, transfer_id: str, amount_vnd: int, reversal_key: str) -> str:
    """Take part of a transfer back from the connected account (after a refund); the reversal id."""
    try:
        reversal = _client().v1.transfers.reversals.create(
            transfer_id,
            {"amount": amount_vnd, "metadata": {"reversal": reversal_key}},
            {"idempotency_key": f"reversal-{reversal_key}"},
        )
    except stripe.StripeError as error:
        raise _fail(error) from error
    return reversal.id


def parse_webhook(payload: bytes, signature: str | None) -> dict:
    """Verify the Stripe-Signature over the raw body (5 minutes tolerance); the event as a dict."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not signature:
        raise InvalidWebhook("missing signature or secret")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidWebhook(str(error)) from error
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidWebhook("not an event")
    return event
