"""A local, stateful fake of the parts of the Stripe HTTP API that Chợ HTX uses.

The real ``stripe`` library (v16) talks to it over HTTP, so application code runs
unmodified.  Point the library at it with either::

    stripe.api_key = "sk_test_x"; stripe.api_base = fake.url            # global
    client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.url})

Standard library only.  Behaviours copied from Stripe (the non-obvious ones are
commented where they are implemented):

* Requests are form-encoded with bracket syntax (``metadata[k]=v``,
  ``expand[0]=latest_charge``); every value arrives as a string.
* Amounts are integers in the currency's smallest unit and are never scaled;
  for a zero-decimal currency such as VND that is simply the amount in đồng.
* Every POST carries an ``Idempotency-Key`` (the library generates one when the
  caller does not); a replay returns the stored response byte for byte.
* Events recorded in ``events``: ``payment_intent.succeeded``,
  ``payment_intent.payment_failed``, ``payment_intent.canceled``,
  ``charge.refunded`` and ``account.updated`` (from ``complete_onboarding``).
  They are POSTed to ``webhook_url`` automatically only with
  ``auto_deliver=True``; by default a test calls ``deliver()`` itself (or
  posts ``webhook_request(event)`` through Flask's test client).
* ``GET {url}/onboarding/{acct}`` (the account-link URL) completes onboarding
  and redirects to the link's ``return_url`` - handy for browser tests.

Faults, to test what the app does when Stripe misbehaves: ``fake.inject(mode,
count=1, path=None, seconds=0)`` from the test's process, or ``POST
{url}/_fake/faults`` with the same JSON object (``{"mode": "error", "count": 3}``)
from another one; ``POST {url}/_fake/faults/clear`` removes them. The next
``count`` API calls whose path starts with ``path`` (any path when None) get:

* ``error``: a 500 ``api_error``, the call not executed (Stripe saves nothing
  for the idempotency key, so a retry runs it);
* ``delay``: an answer ``seconds`` late (the client may time out meanwhile);
* ``drop``: the connection closed without an answer, the call not executed;
* ``drop_after``: the call executed (and saved for its idempotency key), then
  the connection closed without an answer: the reply a client never got, which
  its retry with the same key must replay rather than charge again.

``faulted`` counts the calls that met a fault.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"  # _ApiVersion.CURRENT of stripe-python 16.1

# Stripe's magic test PaymentMethods that decline -> "code|decline_code|message".
# Any other "pm_..." id (pm_card_visa, pm_card_mastercard, ...) succeeds.
DECLINES = {
    "pm_card_chargeDeclined": "card_declined|generic_decline|Your card was declined.",
    "pm_card_chargeDeclinedInsufficientFunds": "card_declined|insufficient_funds|"
    "Your card has insufficient funds.",
    "pm_card_chargeDeclinedLostCard": "card_declined|lost_card|Your card was declined.",
    "pm_card_chargeDeclinedExpiredCard": "expired_card|expired_card|Your card has expired.",
    "pm_card_chargeDeclinedIncorrectCvc": "incorrect_cvc|incorrect_cvc|"
    "Your card's security code is incorrect.",
}
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
# id prefix -> (FakeStripe attribute, name used in "No such ..." errors)
KINDS = {
    "pi": ("payment_intents", "payment_intent"),
    "ch": ("charges", "charge"),
    "re": ("refunds", "refund"),
    "acct": ("accounts", "account"),
    "tr": ("transfers", "transfer"),
    "trr": ("reversals", "transfer_reversal"),
}
PREFIXES = {attr: prefix for prefix, (attr, _) in KINDS.items()}


class _Discard:
    """A request handler's stand-in whose answer goes nowhere (the ``drop_after`` fault)."""

    def __init__(self, handler):
        self.headers = handler.headers
        self.wfile = self

    def send_response(self, *args):
        pass

    def send_header(self, *args):
        pass

    def end_headers(self):
        pass

    def write(self, data):
        return len(data)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


class StripeError(Exception):
    """Raised by handlers; rendered as ``{"error": {...}}`` like Stripe does."""

    def __init__(self, status, type_, message, code=None, param=None, **extra):
        super().__init__(message)
        self.status = status
        self.body = {"type": type_, "message": message, **extra}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = "https://stripe.com/docs/error-codes/" + code.replace("_", "-")
        if param:
            self.body["param"] = param

    def json(self) -> bytes:
        return json.dumps({"error": self.body}).encode()


def invalid(message, code=None, param=None, status=400):
    return StripeError(status, "invalid_request_error", message, code, param)


def missing(kind, id_, param="id", status=404):
    # Unknown ids in the URL are 404s; unknown ids passed as parameters are 400s.
    return invalid(f"No such {kind}: '{id_}'", "resource_missing", param, status)


def parse_form(body: str) -> dict:
    """Decode Stripe's bracket syntax: a[b][0]=x -> {"a": {"b": ["x"]}}."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        m = re.fullmatch(r"([^\[\]]+)((?:\[[^\]]*\])*)", key)
        if not m:
            continue
        parts = [m.group(1), *re.findall(r"\[([^\]]*)\]", m.group(2))]
        node = root
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        # a bare "[]" (legacy ``expand[]=x``) appends
        node[parts[-1] or str(len(node))] = value
    return _listify(root)


def _listify(node):
    """Dicts whose keys are all indices (``x[0]``, ``x[1]``) become lists."""
    if not isinstance(node, dict):
        return node
    node = {k: _listify(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node


def get_int(params, name, required=False):
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise invalid(f"Missing required param: {name}.", "parameter_missing", name)
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"-?\d+", raw):
        raise invalid(f"Invalid integer: {raw}", "parameter_invalid_integer", name)
    if int(raw) < 1:
        raise invalid("Amount must be at least 1.", "amount_too_small", name)
    return int(raw)


def get_str(params, name, required=False):
    value = params.get(name)
    if required and not value:
        raise invalid(f"Missing required param: {name}.", "parameter_missing", name)
    if value is not None and not isinstance(value, str):
        raise invalid(f"Invalid string: {value!r}", "parameter_invalid_string", name)
    return value or None


def get_currency(params):
    cur = get_str(params, "currency", required=True).lower()
    if not re.fullmatch(r"[a-z]{3}", cur):
        raise invalid(f"Invalid currency: {cur}.", "parameter_invalid_string", "currency")
    return cur


def apply_metadata(obj, params):
    """Stripe merges metadata on update; an empty value unsets a key and
    ``metadata=""`` clears everything."""
    meta = params.get("metadata")
    if meta == "":
        obj["metadata"] = {}
    elif isinstance(meta, dict):
        for key, value in meta.items():
            if value == "":
                obj["metadata"].pop(key, None)
            else:
                obj["metadata"][key] = value
    elif meta is not None:
        raise invalid("Invalid hash", "parameter_invalid_hash", "metadata")


class FakeStripe:
    def __init__(
        self,
        webhook_secret: str = "whsec_test",
        webhook_url: str | None = None,
        auto_deliver: bool = False,
    ):
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.auto_deliver = auto_deliver
        self.url = ""
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.account_links: list[dict] = []  # also keeps account/return_url
        self.transfers: dict[str, dict] = {}
        self.reversals: dict[str, dict] = {}
        self.events: list[dict] = []
        self.deliveries: list[dict] = []  # one {"event","url","status"} per POST
        self.requests: list[tuple[str, str]] = []  # (method, path) of API calls
        self.faults: list[dict] = []  # see inject()
        self.faulted = 0
        # (api_key, idempotency_key) -> (method, path, params, status, body)
        self._idempotency: dict[tuple[str, str], tuple] = {}
        self._request_info: dict | None = None  # becomes event["request"]
        self._lock = threading.RLock()  # one request mutates state at a time
        self._delivery_threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None
        self._routes = [
            ("POST", r"/v1/payment_intents", self._create_pi),
            ("POST", r"/v1/payment_intents/([^/]+)", self._update_pi),
            ("POST", r"/v1/payment_intents/([^/]+)/confirm", self._confirm_pi),
            ("POST", r"/v1/payment_intents/([^/]+)/cancel", self._cancel_pi),
            ("POST", r"/v1/refunds", self._create_refund),
            ("POST", r"/v1/accounts", self._create_account),
            ("POST", r"/v1/account_links", self._create_account_link),
            ("POST", r"/v1/transfers", self._create_transfer),
            ("POST", r"/v1/transfers/([^/]+)/reversals", self._create_reversal),
            ("GET", r"/v1/events/([^/]+)", self._get_event),
            (
                "GET",
                r"/v1/(payment_intents|charges|refunds|accounts|transfers)/([^/]+)",
                lambda params, collection, id_: self._get(PREFIXES[collection], id_),
            ),
        ]

    # ------------------------------------------------------------------ server
    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def log_message(self, *args):  # keep pytest output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval keeps stop() (which waits for the loop) fast.
        serve = self._server.serve_forever
        threading.Thread(target=serve, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.join_deliveries()
        if self._server is not None:
            self._server.shutdown()  # waits for serve_forever to return
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self if self._server else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _send(self, h, status, body, headers=(), ctype="application/json"):
        h.send_response(status)
        headers = {"Request-Id": new_id("req"), **dict(headers)}
        headers.update({"Content-Type": ctype, "Content-Length": str(len(body))})
        headers["Stripe-Version"] = API_VERSION
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(body)

    # ------------------------------------------------------------------ faults
    FAULT_MODES = ("error", "delay", "drop", "drop_after")

    def inject(self, mode: str, count: int = 1, path: str | None = None, seconds: float = 0):
        """The next `count` API calls (under `path`, if given) meet the fault `mode`."""
        if mode not in self.FAULT_MODES:
            raise ValueError(f"mode must be one of {self.FAULT_MODES}")
        with self._lock:
            self.faults.append(
                {"mode": mode, "count": int(count), "path": path, "seconds": float(seconds)}
            )

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_fault(self, path: str) -> dict | None:
        with self._lock:
            for fault in self.faults:
                if fault["count"] > 0 and (not fault["path"] or path.startswith(fault["path"])):
                    fault["count"] -= 1
                    self.faulted += 1
                    if fault["count"] == 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def _fault_admin(self, h, path, raw):
        if path == "/_fake/faults/clear":
            self.clear_faults()
        else:
            try:
                self.inject(**json.loads(raw or "{}"))
            except (TypeError, ValueError) as error:
                return self._send(h, 400, json.dumps({"error": str(error)}).encode())
        self._send(h, 200, json.dumps({"faults": self.faults}).encode())

    @staticmethod
    def _drop(h):
        # No status line, nothing: the client sees the connection closed mid-request.
        h.close_connection = True
        try:
            h.connection.shutdown(2)  # socket.SHUT_RDWR
        except OSError:
            pass

    def _handle(self, h, method):
        split = urlsplit(h.path)
        path = split.path.rstrip("/")
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length).decode() if length else ""
        if method == "POST" and path.startswith("/_fake/faults"):
            return self._fault_admin(h, path, raw)
        fault = self._take_fault(path) if path.startswith("/v1/") else None
        if fault is not None:
            if fault["mode"] == "delay":
                time.sleep(fault["seconds"])
            elif fault["mode"] == "drop":
                return self._drop(h)
            elif fault["mode"] == "error":
                with self._lock:
                    self.requests.append((method, path))
                err = StripeError(500, "api_error", "fake: injected server error")
                return self._send(h, 500, err.json())
        if fault is not None and fault["mode"] == "drop_after":
            self._handle_call(_Discard(h), method, split, path, raw)
            return self._drop(h)
        return self._handle_call(h, method, split, path, raw)

    def _handle_call(self, h, method, split, path, raw):
        params = parse_form(raw if method == "POST" else split.query)
        with self._lock:
            if method == "GET" and path.startswith("/onboarding/"):
                return self._onboarding_page(h, path.rsplit("/", 1)[1])
            self.requests.append((method, path))
            auth = h.headers.get("Authorization", "")
            api_key = auth[len("Bearer ") :].strip()
            if not auth.startswith("Bearer ") or not api_key.startswith("sk_test_"):
                err = invalid(
                    "Invalid API Key provided: the fake accepts only 'Authorization: "
                    "Bearer sk_test_...'.",
                    "api_key_invalid" if api_key else None,
                    status=401,
                )
                return self._send(h, 401, err.json())
            idem = h.headers.get("Idempotency-Key") if method == "POST" else None
            stored = self._idempotency.get((api_key, idem)) if idem else None
            if stored and stored[:3] != (method, path, params):
                err = StripeError(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with. Try using a key other than "
                    f"'{idem}' if you meant to execute a different request.",
                )
                return self._send(h, 400, err.json())
            if stored:  # Stripe replays the saved response and flags the replay
                return self._send(h, stored[3], stored[4], {"Idempotent-Replayed": "true"})
            req_id = new_id("req")
            self._request_info = {"id": req_id, "idempotency_key": idem}
            try:
                result = self._dispatch(method, path, params)
                status, body = 200, json.dumps(result).encode()
            except StripeError as err:
                status, body = err.status, err.json()
            finally:
                self._request_info = None
            # Stripe saves a result only once the endpoint has started executing:
            # successes and card declines, not parameter-validation errors.
            if idem and (status == 200 or status == 402):
                entry = (method, path, params, status, body)
                self._idempotency[(api_key, idem)] = entry
            self._send(h, status, body, {"Request-Id": req_id})

    def _dispatch(self, method, path, params):
        for route_method, pattern, handler in self._routes:
            m = re.fullmatch(pattern, path)
            if m and route_method == method:
                return self._expand(handler(params, *m.groups()), params.get("expand"))
        raise invalid(f"Unrecognized request URL ({method}: {path}).", status=404)

    def _expand(self, obj, expand):
        """One level of ``expand[]`` on id fields, e.g. ``latest_charge``."""
        if not expand:
            return obj
        obj = copy.deepcopy(obj)
        for field in expand if isinstance(expand, list) else [expand]:
            value = obj.get(field)
            if isinstance(value, str) and value.split("_")[0] in KINDS:
                obj[field] = copy.deepcopy(self._get(value.split("_")[0], value))
        return obj

    def _get(self, prefix, id_, param="id", status=404):
        attr, kind = KINDS.get(prefix, ("", prefix))
        obj = getattr(self, attr, {}).get(id_) if id_.startswith(prefix + "_") else None
        if obj is None:
            raise missing(kind, id_, param, status)
        return obj

    def _new(self, prefix, object_, params, **fields):
        """Create, store and return a Stripe object with the common fields."""
        obj = {"id": new_id(prefix), "object": object_, "created": int(time.time())}
        obj.update(livemode=False, metadata={}, **fields)
        apply_metadata(obj, params)
        getattr(self, KINDS[prefix][0])[obj["id"]] = obj
        return obj

    # ----------------------------------------------------------------- events
    def build_event(self, type: str, obj: dict, previous_attributes=None) -> dict:
        data = {"object": copy.deepcopy(obj)}  # a snapshot, as Stripe sends it
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        return {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": self._request_info or {"id": None, "idempotency_key": None},
            "type": type,
        }

    def _emit(self, type_, obj, previous_attributes=None):
        event = self.build_event(type_, obj, previous_attributes)
        self.events.append(event)
        if self.auto_deliver and self.webhook_url:
            thread = threading.Thread(target=self._deliver_bg, args=(event,), daemon=True)
            self._delivery_threads.append(thread)
            thread.start()
        return event

    def _deliver_bg(self, event):
        try:
            self.deliver(event)
        except OSError as exc:  # endpoint unreachable: record it and move on
            failure = {"event": event["id"], "url": self.webhook_url, "status": None}
            self.deliveries.append({**failure, "error": str(exc)})

    def join_deliveries(self, timeout: float = 10.0) -> None:
        """Wait for background (``auto_deliver``) webhook POSTs to finish."""
        for thread in list(self._delivery_threads):
            thread.join(timeout)
        self._delivery_threads = [t for t in self._delivery_threads if t.is_alive()]

    def sign_payload(
        self,
        payload: bytes | str,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> str:
        """Stripe-Signature: ``t=<ts>,v1=hex(HMAC-SHA256(secret, f"{t}.{body}"))``."""
        if isinstance(payload, str):
            payload = payload.encode()
        t = int(time.time()) if timestamp is None else int(timestamp)
        key = (secret or self.webhook_secret).encode()
        sig = hmac.new(key, f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
        return f"t={t},v1={sig}"

    def webhook_request(self, event: dict) -> tuple[bytes, dict]:
        """``(body, headers)`` of a delivery, e.g. for Flask's test client:
        ``app_client.post("/webhooks/stripe", data=body, headers=headers)``."""
        # Stripe pretty-prints the body, so handlers must verify the raw bytes
        # rather than a re-serialisation of the parsed JSON.
        payload = json.dumps(event, indent=2, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": self.sign_payload(payload),
        }
        return payload, headers

    def deliver(self, event: dict, url: str | None = None) -> int:
        """POST the event as Stripe would; returns the endpoint's HTTP status."""
        target = url or self.webhook_url
        if not target:
            raise ValueError("no webhook url: pass url= or set webhook_url")
        payload, headers = self.webhook_request(event)
        request = urllib.request.Request(target, payload, headers, method="POST")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.deliveries.append({"event": event["id"], "url": target, "status": status})
        return status

    def _get_event(self, params, evt_id):
        for event in self.events:
            if event["id"] == evt_id:
                return event
        raise missing("event", evt_id)

    # --------------------------------------------------------- payment intents
    def _create_pi(self, params):
        amount = get_int(params, "amount", required=True)
        currency = get_currency(params)
        apm = params.get("automatic_payment_methods")
        types = params.get("payment_method_types")
        if types is not None and not isinstance(types, list):
            raise invalid("Invalid array", "parameter_invalid_array", "payment_method_types")
        pi = self._new(
            "pi",
            "payment_intent",
            params,
            amount=amount,
            amount_capturable=0,
            amount_received=0,
            automatic_payment_methods=(
                {"enabled": apm.get("enabled") == "true"} if isinstance(apm, dict) else None
            ),
            canceled_at=None,
            cancellation_reason=None,
            capture_method="automatic",
            currency=currency,
            customer=get_str(params, "customer"),
            description=get_str(params, "description"),
            last_payment_error=None,
            latest_charge=None,
            payment_method=None,
            payment_method_types=types or ["card"],
            status="requires_payment_method",
            transfer_data=params.get("transfer_data"),
            transfer_group=get_str(params, "transfer_group"),
        )
        pi["client_secret"] = f"{pi['id']}_secret_{uuid.uuid4().hex[:25]}"
        self._attach_pm(pi, params)
        if params.get("confirm") == "true":  # create-and-confirm in one call
            return self._confirm_pi({}, pi["id"])
        return pi

    def _attach_pm(self, pi, params):
        pm = get_str(params, "payment_method")
        if pm is not None:
            if not pm.startswith("pm_"):
                raise missing("PaymentMethod", pm, "payment_method", status=400)
            pi.update(payment_method=pm, status="requires_confirmation")

    def _unexpected_state(self, pi, action):
        return invalid(
            f"You cannot {action} this PaymentIntent because it has a status of {pi['status']}.",
            "payment_intent_unexpected_state",
        )

    def _update_pi(self, params, pi_id):
        pi = self._get("pi", pi_id, "intent")
        if pi["status"] not in CONFIRMABLE and (
            {"amount", "currency", "payment_method"} & params.keys()
        ):
            raise self._unexpected_state(pi, "update")
        if "amount" in params:
            pi["amount"] = get_int(params, "amount")
        if "currency" in params:
            pi["currency"] = get_currency(params)
        for field in ("description", "transfer_group"):
            if field in params:
                pi[field] = get_str(params, field)
        apply_metadata(pi, params)
        self._attach_pm(pi, params)
        return pi

    def _confirm_pi(self, params, pi_id):
        pi = self._get("pi", pi_id, "intent")
        if pi["status"] not in CONFIRMABLE:
            raise self._unexpected_state(pi, "confirm")
        self._attach_pm(pi, params)
        pm = pi["payment_method"]
        if pm is None:
            raise invalid(
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                "payment_intent_unexpected_state",
                "payment_method",
            )
        decline = DECLINES[pm].split("|") if pm in DECLINES else None
        charge = self._new(
            "ch",
            "charge",
            {"metadata": pi["metadata"]},
            amount=pi["amount"],
            amount_captured=0 if decline else pi["amount"],
            amount_refunded=0,
            captured=not decline,
            currency=pi["currency"],
            failure_code=decline and decline[0],
            failure_message=decline and decline[2],
            outcome={"type": "issuer_declined" if decline else "authorized"},
            paid=not decline,
            payment_intent=pi["id"],
            payment_method=pm,
            refunded=False,
            status="failed" if decline else "succeeded",
            transfer_group=pi["transfer_group"],
        )
        pi["latest_charge"] = charge["id"]
        if not decline:
            pi.update(status="succeeded", amount_received=pi["amount"])
            pi["last_payment_error"] = None
            self._emit("payment_intent.succeeded", pi)
            return pi
        code, decline_code, message = decline
        error = StripeError(
            402,
            "card_error",
            message,
            code,
            charge=charge["id"],
            decline_code=decline_code,
            payment_method={"id": pm, "object": "payment_method", "type": "card"},
        )
        # A failed attempt detaches the PaymentMethod and sends the intent back
        # to requires_payment_method; the error is kept on last_payment_error,
        # and the 402 body embeds the whole updated PaymentIntent.
        pi.update(status="requires_payment_method", payment_method=None)
        pi["last_payment_error"] = dict(error.body)
        self._emit("payment_intent.payment_failed", pi)
        error.body["payment_intent"] = copy.deepcopy(pi)
        raise error

    def _cancel_pi(self, params, pi_id):
        pi = self._get("pi", pi_id, "intent")
        if pi["status"] not in CONFIRMABLE + ("requires_capture", "processing"):
            raise self._unexpected_state(pi, "cancel")
        pi.update(status="canceled", canceled_at=int(time.time()))
        pi["cancellation_reason"] = get_str(params, "cancellation_reason")
        self._emit("payment_intent.canceled", pi)
        return pi

    # ----------------------------------------------------------------- refunds
    def _create_refund(self, params):
        pi_id, ch_id = get_str(params, "payment_intent"), get_str(params, "charge")
        if pi_id:
            pi = self._get("pi", pi_id, "payment_intent", 400)
            if pi["status"] != "succeeded":
                raise invalid(
                    f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
                    "charge_not_refundable",
                    "payment_intent",
                )
            if ch_id and ch_id != pi["latest_charge"]:
                raise invalid(f"Charge {ch_id} is not on {pi_id}.", param="charge")
            ch_id = pi["latest_charge"]
        elif not ch_id:
            raise invalid(
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                "parameter_missing",
            )
        charge = self._get("ch", ch_id, "charge", 400)
        if charge["status"] != "succeeded":
            raise invalid(f"Charge {ch_id} cannot be refunded.", "charge_not_refundable")
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        if remaining <= 0:
            raise invalid(
                f"Charge {ch_id} has already been refunded.",
                "charge_already_refunded",
                "charge",
            )
        amount = get_int(params, "amount") or remaining  # default: all that is left
        if amount > remaining:
            raise invalid(
                f"Refund amount ({amount}) is greater than unrefunded amount on "
                f"charge ({remaining})",
                "amount_too_large",
                "amount",
            )
        reason = get_str(params, "reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            raise invalid(f"Invalid reason: {reason}", "parameter_invalid_string", "reason")
        refund = self._new(
            "re",
            "refund",
            params,
            amount=amount,
            charge=ch_id,
            currency=charge["currency"],
            payment_intent=charge["payment_intent"],
            reason=reason,
            status="succeeded",
        )
        previous = {k: charge[k] for k in ("amount_refunded", "refunded")}
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
        self._emit("charge.refunded", charge, previous)
        return refund

    # ----------------------------------------------------------------- connect
    def _create_account(self, params):
        type_ = get_str(params, "type") or "express"
        if type_ not in ("express", "standard", "custom"):
            raise invalid(f"Invalid type: {type_}", "parameter_invalid_string", "type")
        return self._new(
            "acct",
            "account",
            params,
            business_type=get_str(params, "business_type"),
            capabilities={name: "inactive" for name in params.get("capabilities") or {}},
            charges_enabled=False,
            country=(get_str(params, "country") or "US").upper(),
            default_currency=(get_str(params, "default_currency") or "usd").lower(),
            details_submitted=False,
            email=get_str(params, "email"),
            payouts_enabled=False,
            requirements={
                "currently_due": ["external_account", "tos_acceptance.date"],
                "disabled_reason": "requirements.past_due",
            },
            type=type_,
        )

    def complete_onboarding(self, account_id: str) -> dict:
        """Simulate the seller finishing hosted onboarding; returns the
        ``account.updated`` event Stripe would send (also kept in ``events``)."""
        with self._lock:
            account = self._get("acct", account_id)
            flags = ("charges_enabled", "payouts_enabled", "details_submitted")
            previous = {k: account[k] for k in flags}
            account.update(dict.fromkeys(flags, True))
            account["capabilities"] = dict.fromkeys(account["capabilities"], "active")
            account["requirements"] = {"currently_due": [], "disabled_reason": None}
            return self._emit("account.updated", account, previous)

    def _create_account_link(self, params):
        acct = get_str(params, "account", required=True)
        self._get("acct", acct, "account", 400)
        link_type = get_str(params, "type", required=True)
        if link_type not in ("account_onboarding", "account_update"):
            raise invalid(f"Invalid type: {link_type}", "parameter_invalid_string", "type")
        now = int(time.time())
        link = {"object": "account_link", "created": now, "expires_at": now + 300}
        link["url"] = f"{self.url}/onboarding/{acct}"  # Stripe: expires in 5 min
        urls = {k: params.get(k) for k in ("refresh_url", "return_url")}
        self.account_links.append({**link, "account": acct, "type": link_type, **urls})
        return link

    def _onboarding_page(self, h, acct):
        if acct not in self.accounts:
            return self._send(h, 404, b"unknown account", ctype="text/plain")
        self.complete_onboarding(acct)
        links = [x for x in self.account_links if x["account"] == acct]
        if links and links[-1]["return_url"]:
            return self._send(h, 302, b"", {"Location": links[-1]["return_url"]})
        self._send(h, 200, b"<p>Onboarding complete.</p>", ctype="text/html")

    def _create_transfer(self, params):
        amount = get_int(params, "amount", required=True)
        currency = get_currency(params)
        dest = get_str(params, "destination", required=True)
        self._get("acct", dest, "destination", 400)
        transfer = self._new(
            "tr",
            "transfer",
            params,
            amount=amount,
            amount_reversed=0,
            currency=currency,
            description=get_str(params, "description"),
            destination=dest,
            reversals={"object": "list", "data": [], "has_more": False},
            reversed=False,
            source_transaction=get_str(params, "source_transaction"),
            transfer_group=get_str(params, "transfer_group"),
        )
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
        return transfer

    def _create_reversal(self, params, tr_id):
        transfer = self._get("tr", tr_id)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        if remaining <= 0:
            raise invalid(f"Transfer {tr_id} has already been fully reversed.")
        amount = get_int(params, "amount") or remaining  # default: all that is left
        if amount > remaining:
            raise invalid(
                f"Reversal amount ({amount}) is greater than the unreversed amount "
                f"on the transfer ({remaining})",
                "amount_too_large",
                "amount",
            )
        reversal = self._new(
            "trr",
            "transfer_reversal",
            params,
            amount=amount,
            currency=transfer["currency"],
            transfer=tr_id,
        )
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] >= transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        return reversal
