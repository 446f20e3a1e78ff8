"""Tests for tests/fake_stripe.py, driven through the real ``stripe`` library."""

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

try:
    from tests.fake_stripe import FakeStripe
except ImportError:  # tests/ is not a package: pytest put tests/ on sys.path
    from fake_stripe import FakeStripe

SECRET = "whsec_unit"


@pytest.fixture
def fake():
    server = FakeStripe(webhook_secret=SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def client(fake):
    # Per-client configuration: nothing global is touched.
    return stripe.StripeClient("sk_test_fake", base_addresses={"api": fake.url})


@pytest.fixture
def global_stripe(fake):
    # Module-level configuration, as `stripe.PaymentIntent.create(...)` uses.
    saved = stripe.api_key, stripe.api_base
    stripe.api_key, stripe.api_base = "sk_test_fake", fake.url
    yield stripe
    stripe.api_key, stripe.api_base = saved


@pytest.fixture
def receiver():
    """A stdlib webhook endpoint that verifies signatures with the stripe lib."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            sig = self.headers.get("Stripe-Signature")
            try:
                event = stripe.Webhook.construct_event(body, sig, SECRET)
                received.append(event)
                self.send_response(200)
            except stripe.SignatureVerificationError:
                self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/stripe"
    yield server
    server.shutdown()
    server.server_close()


def make_pi(client, amount=150_000, **extra):
    params = {"amount": amount, "currency": "vnd", **extra}
    return client.v1.payment_intents.create(params)


def paid_pi(client, amount=150_000):
    pi = make_pi(client, amount)
    return client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})


# ------------------------------------------------------------- configuration
def test_global_api_base_and_client_base_addresses_both_work(fake, client, global_stripe):
    a = global_stripe.PaymentIntent.create(amount=20_000, currency="vnd")
    b = make_pi(client)
    assert set(fake.payment_intents) == {a.id, b.id}
    assert global_stripe.PaymentIntent.retrieve(a.id).amount == 20_000
    assert b.last_response.request_id.startswith("req_")


def test_requires_a_test_secret_key(fake):
    for key in ("sk_live_123", "pk_test_123"):
        bad = stripe.StripeClient(key, base_addresses={"api": fake.url})
        with pytest.raises(stripe.AuthenticationError) as exc:
            make_pi(bad)
        assert exc.value.http_status == 401
        assert exc.value.error.type == "invalid_request_error"
    assert fake.payment_intents == {}


# ----------------------------------------------------------- payment intents
def test_create_payment_intent_shape(fake, client):
    pi = make_pi(
        client,
        metadata={"order_id": "CHX-1001", "htx": "7"},
        automatic_payment_methods={"enabled": True},
        transfer_group="ORDER_CHX-1001",
        description="Đơn hàng CHX-1001",
    )
    assert pi.object == "payment_intent"
    assert pi.id.startswith("pi_")
    assert pi.status == "requires_payment_method"
    assert pi.client_secret.startswith(f"{pi.id}_secret_")
    # VND is zero-decimal: the amount is stored exactly as given.
    assert (pi.amount, pi.currency) == (150_000, "vnd")
    assert pi.metadata.to_dict() == {"order_id": "CHX-1001", "htx": "7"}
    assert pi.automatic_payment_methods.enabled is True
    assert pi.transfer_group == "ORDER_CHX-1001"
    assert pi.description == "Đơn hàng CHX-1001"
    assert fake.payment_intents[pi.id]["metadata"]["order_id"] == "CHX-1001"


def test_payment_method_types_list(client):
    pi = make_pi(client, payment_method_types=["card"])
    assert pi.payment_method_types == ["card"]
    assert pi.automatic_payment_methods is None


@pytest.mark.parametrize(
    "params, param, code",
    [
        ({"amount": 0, "currency": "vnd"}, "amount", "amount_too_small"),
        ({"amount": -5, "currency": "vnd"}, "amount", "amount_too_small"),
        ({"amount": "12.5", "currency": "vnd"}, "amount", "parameter_invalid_integer"),
        ({"currency": "vnd"}, "amount", "parameter_missing"),
        ({"amount": 1000}, "currency", "parameter_missing"),
    ],
)
def test_create_validation(fake, client, params, param, code):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.create(params)
    assert exc.value.http_status == 400
    assert (exc.value.param, exc.value.code) == (param, code)
    assert exc.value.error.type == "invalid_request_error"
    assert fake.payment_intents == {}


def test_confirm_with_visa_succeeds_and_records_event(fake, client):
    pi = make_pi(client, metadata={"order_id": "42"})
    confirmed = client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})
    assert confirmed.status == "succeeded"
    assert confirmed.amount_received == 150_000
    charge = fake.charges[confirmed.latest_charge]
    assert charge["status"] == "succeeded"
    assert charge["payment_intent"] == pi.id
    assert charge["amount"] == 150_000
    [event] = fake.events
    assert event["type"] == "payment_intent.succeeded"
    assert event["object"] == "event"
    assert event["data"]["object"]["id"] == pi.id
    assert event["data"]["object"]["metadata"] == {"order_id": "42"}
    assert event["request"]["idempotency_key"]  # the library always sends one
    # Events are retrievable, like GET /v1/events/{id}.
    assert client.v1.events.retrieve(event["id"]).type == "payment_intent.succeeded"


def test_create_and_confirm_in_one_call(client):
    pi = make_pi(client, payment_method="pm_card_mastercard", confirm=True)
    assert pi.status == "succeeded"


def test_retrieve_expands_latest_charge(client):
    pi = paid_pi(client)
    got = client.v1.payment_intents.retrieve(pi.id, {"expand": ["latest_charge"]})
    assert got.latest_charge.object == "charge"
    assert got.latest_charge.id == pi.latest_charge
    assert client.v1.charges.retrieve(pi.latest_charge).paid is True


@pytest.mark.parametrize(
    "pm, code, decline_code",
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_declined_card_raises_card_error(fake, client, pm, code, decline_code):
    pi = make_pi(client)
    with pytest.raises(stripe.CardError) as exc:
        client.v1.payment_intents.confirm(pi.id, {"payment_method": pm})
    err = exc.value
    assert err.http_status == 402
    assert err.code == code
    assert err.error.type == "card_error"
    assert err.error.decline_code == decline_code
    assert err.error.payment_intent.id == pi.id
    assert err.error.payment_intent.status == "requires_payment_method"
    stored = fake.payment_intents[pi.id]
    assert stored["status"] == "requires_payment_method"
    assert stored["payment_method"] is None
    assert stored["last_payment_error"]["decline_code"] == decline_code
    assert fake.charges[stored["latest_charge"]]["status"] == "failed"
    assert [e["type"] for e in fake.events] == ["payment_intent.payment_failed"]
    # The customer can try again with another card.
    retry = client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})
    assert retry.status == "succeeded"
    assert retry.last_payment_error is None


def test_update_merges_and_unsets_metadata(client):
    pi = make_pi(client, metadata={"a": "1", "b": "2"})
    updated = client.v1.payment_intents.update(
        pi.id, {"amount": 175_000, "metadata": {"b": "", "c": "3"}}
    )
    assert updated.amount == 175_000
    assert updated.metadata.to_dict() == {"a": "1", "c": "3"}


def test_cancel(fake, client):
    pi = make_pi(client)
    canceled = client.v1.payment_intents.cancel(pi.id, {"cancellation_reason": "abandoned"})
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"
    assert canceled.canceled_at
    assert fake.events[-1]["type"] == "payment_intent.canceled"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.confirm(pi.id, {"payment_method": "pm_card_visa"})
    assert exc.value.code == "payment_intent_unexpected_state"


def test_cannot_cancel_or_change_amount_of_succeeded_intent(client):
    pi = paid_pi(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.cancel(pi.id)
    assert exc.value.code == "payment_intent_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.update(pi.id, {"amount": 1})
    # Metadata stays editable after payment.
    updated = client.v1.payment_intents.update(pi.id, {"metadata": {"x": "y"}})
    assert updated.metadata["x"] == "y"


def test_unknown_ids_are_404_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.retrieve("pi_doesnotexist")
    assert exc.value.http_status == 404
    assert exc.value.code == "resource_missing"
    for call in (
        lambda: client.v1.refunds.retrieve("re_nope"),
        lambda: client.v1.accounts.retrieve("acct_nope"),
        lambda: client.v1.transfers.retrieve("tr_nope"),
        lambda: client.v1.payment_intents.confirm("pi_nope"),
    ):
        with pytest.raises(stripe.InvalidRequestError) as exc:
            call()
        assert (exc.value.http_status, exc.value.code) == (404, "resource_missing")


# ------------------------------------------------------------------- refunds
def test_partial_then_full_refund(fake, client):
    pi = paid_pi(client, 100_000)
    first = client.v1.refunds.create(
        {
            "payment_intent": pi.id,
            "amount": 30_000,
            "reason": "requested_by_customer",
            "metadata": {"order_id": "7"},
        }
    )
    assert (first.object, first.amount, first.status) == ("refund", 30_000, "succeeded")
    assert first.charge == pi.latest_charge
    assert first.metadata["order_id"] == "7"
    assert fake.charges[pi.latest_charge]["refunded"] is False
    rest = client.v1.refunds.create({"charge": pi.latest_charge})  # amount = remaining
    assert rest.amount == 70_000
    charge = fake.charges[pi.latest_charge]
    assert (charge["amount_refunded"], charge["refunded"]) == (100_000, True)
    refunded = [e for e in fake.events if e["type"] == "charge.refunded"]
    assert [e["data"]["object"]["amount_refunded"] for e in refunded] == [30_000, 100_000]
    assert refunded[-1]["data"]["object"]["refunded"] is True
    assert refunded[-1]["data"]["previous_attributes"]["amount_refunded"] == 30_000
    assert client.v1.refunds.retrieve(first.id).amount == 30_000


def test_over_refund_is_refused(fake, client):
    pi = paid_pi(client, 50_000)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create({"payment_intent": pi.id, "amount": 50_001})
    assert (exc.value.http_status, exc.value.code) == (400, "amount_too_large")
    assert exc.value.param == "amount"
    client.v1.refunds.create({"payment_intent": pi.id})
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create({"payment_intent": pi.id, "amount": 1})
    assert exc.value.code == "charge_already_refunded"
    assert len(fake.refunds) == 1


def test_refund_requires_a_successful_payment(client):
    pi = make_pi(client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create({"payment_intent": pi.id})
    assert exc.value.code == "charge_not_refundable"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.refunds.create({"payment_intent": "pi_missing"})
    assert (exc.value.http_status, exc.value.code) == (400, "resource_missing")


# --------------------------------------------------------------- idempotency
def test_same_idempotency_key_returns_same_object(fake, client, global_stripe):
    opts = {"idempotency_key": "order-42-create"}
    params = {"amount": 99_000, "currency": "vnd", "metadata": {"order_id": "42"}}
    first = client.v1.payment_intents.create(params, opts)
    second = client.v1.payment_intents.create(params, opts)
    assert first.id == second.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    # The global configuration style uses the same mechanism.
    third = global_stripe.PaymentIntent.create(
        amount=99_000, currency="vnd", metadata={"order_id": "42"}, **opts
    )
    assert third.id == first.id
    assert len(fake.payment_intents) == 1


def test_idempotent_confirm_and_refund_do_not_repeat_side_effects(fake, client):
    pi = make_pi(client)
    pay = {"payment_method": "pm_card_visa"}
    client.v1.payment_intents.confirm(pi.id, pay, {"idempotency_key": "pay-1"})
    client.v1.payment_intents.confirm(pi.id, pay, {"idempotency_key": "pay-1"})
    assert len(fake.charges) == 1 and len(fake.events) == 1
    refund = {"payment_intent": pi.id, "amount": 1_000}
    a = client.v1.refunds.create(refund, {"idempotency_key": "refund-1"})
    b = client.v1.refunds.create(refund, {"idempotency_key": "refund-1"})
    assert a.id == b.id and len(fake.refunds) == 1


def test_declines_are_replayed_too(fake, client):
    pi = make_pi(client)
    decline = {"payment_method": "pm_card_chargeDeclined"}
    for _ in range(2):
        with pytest.raises(stripe.CardError):
            client.v1.payment_intents.confirm(pi.id, decline, {"idempotency_key": "k"})
    assert len(fake.charges) == 1


def test_reused_key_with_different_body_is_idempotency_error(fake, client):
    opts = {"idempotency_key": "reused"}
    client.v1.payment_intents.create({"amount": 1_000, "currency": "vnd"}, opts)
    with pytest.raises(stripe.IdempotencyError) as exc:
        client.v1.payment_intents.create({"amount": 2_000, "currency": "vnd"}, opts)
    assert exc.value.http_status == 400
    assert exc.value.error.type == "idempotency_error"
    assert len(fake.payment_intents) == 1


# ------------------------------------------------------------------- connect
def test_express_account_onboarding(fake, client):
    acct = client.v1.accounts.create(
        {
            "type": "express",
            "country": "VN",
            "email": "htx@example.vn",
            "metadata": {"cooperative_id": "3"},
        }
    )
    assert acct.id.startswith("acct_")
    assert (acct.type, acct.country, acct.email) == ("express", "VN", "htx@example.vn")
    assert not (acct.charges_enabled or acct.payouts_enabled or acct.details_submitted)
    link = client.v1.account_links.create(
        {
            "account": acct.id,
            "refresh_url": "http://shop.test/reauth",
            "return_url": "http://shop.test/return",
            "type": "account_onboarding",
        }
    )
    assert link.object == "account_link"
    assert link.url == f"{fake.url}/onboarding/{acct.id}"
    assert link.expires_at > time.time()
    assert fake.account_links[-1]["return_url"] == "http://shop.test/return"

    event = fake.complete_onboarding(acct.id)
    assert event["type"] == "account.updated"
    assert event["data"]["object"]["charges_enabled"] is True
    assert event["data"]["previous_attributes"]["charges_enabled"] is False
    again = client.v1.accounts.retrieve(acct.id)
    assert again.charges_enabled and again.payouts_enabled and again.details_submitted
    assert again.metadata["cooperative_id"] == "3"


def test_account_link_url_completes_onboarding_and_redirects(fake, client):
    # The one browser-facing page of the fake (not part of Stripe's API).
    acct = client.v1.accounts.create({"type": "express"})
    link = client.v1.account_links.create(
        {
            "account": acct.id,
            "return_url": "http://shop.test/return",
            "refresh_url": "http://shop.test/reauth",
            "type": "account_onboarding",
        }
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    with pytest.raises(urllib.error.HTTPError) as exc:
        opener.open(link.url)
    assert exc.value.code == 302
    assert exc.value.headers["Location"] == "http://shop.test/return"
    assert client.v1.accounts.retrieve(acct.id).charges_enabled is True


def test_account_link_needs_existing_account(client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.account_links.create({"account": "acct_nope", "type": "account_onboarding"})
    assert (exc.value.http_status, exc.value.code) == (400, "resource_missing")


def test_transfers_and_reversals(fake, client):
    acct = client.v1.accounts.create({"type": "express", "country": "VN"})
    tr = client.v1.transfers.create(
        {
            "amount": 120_000,
            "currency": "vnd",
            "destination": acct.id,
            "transfer_group": "ORDER_42",
            "metadata": {"order_id": "42"},
        }
    )
    assert tr.id.startswith("tr_")
    assert (tr.amount, tr.destination, tr.transfer_group) == (120_000, acct.id, "ORDER_42")
    assert tr.reversed is False

    rev = client.v1.transfers.reversals.create(tr.id, {"amount": 20_000})
    assert (rev.object, rev.amount, rev.transfer) == ("transfer_reversal", 20_000, tr.id)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.transfers.reversals.create(tr.id, {"amount": 100_001})
    assert exc.value.code == "amount_too_large"
    rest = client.v1.transfers.reversals.create(tr.id)  # amount = remaining
    assert rest.amount == 100_000
    got = client.v1.transfers.retrieve(tr.id)
    assert (got.amount_reversed, got.reversed) == (120_000, True)
    assert [r.id for r in got.reversals.data] == [rest.id, rev.id]
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.reversals.create(tr.id, {"amount": 1})
    assert len(fake.reversals) == 2


def test_transfer_to_unknown_destination_is_refused(fake, client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.transfers.create(
            {"amount": 1_000, "currency": "vnd", "destination": "acct_ghost"}
        )
    assert exc.value.http_status == 400
    assert (exc.value.param, exc.value.code) == ("destination", "resource_missing")
    assert fake.transfers == {}


# ------------------------------------------------------------------- webhooks
def test_signed_event_verifies_with_stripe_library(fake):
    event = fake.build_event("payment_intent.succeeded", {"id": "pi_1", "amount": 5})
    payload = json.dumps(event).encode()
    header = fake.sign_payload(payload)
    parsed = stripe.Webhook.construct_event(payload, header, SECRET)
    assert parsed.type == "payment_intent.succeeded"
    assert parsed.data.object.id == "pi_1"
    assert (event["object"], event["livemode"]) == ("event", False)
    assert event["api_version"] and event["id"].startswith("evt_")
    # Same bytes as the library's own test helper produces.
    ts = int(header.split(",")[0][2:])
    expected = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET, ts)
    assert header == expected


def test_tampered_or_wrongly_signed_payloads_are_rejected(fake):
    payload = json.dumps(fake.build_event("charge.refunded", {"id": "ch_1"})).encode()
    header = fake.sign_payload(payload)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload.replace(b"ch_1", b"ch_2"), header, SECRET)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, fake.sign_payload(payload, secret="x"), SECRET)
    old = fake.sign_payload(payload, timestamp=int(time.time()) - 3600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, old, SECRET)


def test_webhook_request_for_in_process_clients(fake):
    event = fake.build_event("account.updated", {"id": "acct_1", "object": "account"})
    body, headers = fake.webhook_request(event)
    assert headers["Content-Type"].startswith("application/json")
    parsed = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], SECRET)
    assert parsed.id == event["id"]


def test_deliver_posts_signed_event(fake, client, receiver):
    pi = paid_pi(client)
    status = fake.deliver(fake.events[-1], url=receiver.url)
    assert status == 200
    [got] = receiver.received
    assert got.type == "payment_intent.succeeded"
    assert got.data.object.id == pi.id
    assert fake.deliveries[-1]["status"] == 200
    # An endpoint configured with another secret refuses the delivery.
    other = FakeStripe(webhook_secret="whsec_other", webhook_url=receiver.url)
    assert other.deliver(fake.events[-1]) == 400


def test_auto_deliver_sends_events_in_background(client, receiver):
    auto = FakeStripe(webhook_secret=SECRET, webhook_url=receiver.url, auto_deliver=True)
    with auto:
        auto_client = stripe.StripeClient("sk_test_x", base_addresses={"api": auto.url})
        pi = paid_pi(auto_client)
        auto.join_deliveries()  # deterministic: wait for the delivery thread
        assert [e.type for e in receiver.received] == ["payment_intent.succeeded"]
        assert receiver.received[0].data.object.id == pi.id
        assert auto.deliveries[-1]["status"] == 200


def test_transfer_replayed_with_its_idempotency_key_is_made_once(fake, client):
    acct = client.v1.accounts.create({"type": "express", "country": "VN"})
    params = {"amount": 50_000, "currency": "vnd", "destination": acct.id, "transfer_group": "G"}
    first = client.v1.transfers.create(params, {"idempotency_key": "payout-7-transfer"})
    again = client.v1.transfers.create(params, {"idempotency_key": "payout-7-transfer"})
    assert first.id == again.id
    assert len(fake.transfers) == 1
