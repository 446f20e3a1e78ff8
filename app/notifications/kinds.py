"""Every kind of notification: who gets it, whether it may be turned off, and its words.

A notification stores its kind and parameters only; these functions turn them into a title,
a sentence and a link in whatever language is active when they run (the reader's page, or
the recipient's language while a mail is written). Parameters are plain JSON: numbers,
strings, and names of cooperatives and products as {"vi": ..., "en": ...}.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import format_date, format_vnd

BUYER, STAFF = "buyer", "staff"


@dataclass(frozen=True)
class Kind:
    name: str
    audience: str  # BUYER: about the recipient's own orders; STAFF: about a cooperative's work
    mandatory: bool  # may not be turned off (new orders for staff, a buyer's order mail)
    label: str  # what the preferences page calls it (lazy)
    title: Callable[[dict], str]
    text: Callable[[dict], str]
    link: Callable[[dict], tuple[str, dict]]  # (endpoint, values) of the page it is about


def lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in ("vi", "en") else "vi"


def bilingual(value) -> str:
    """A {"vi", "en"} name in the active language, falling back to the other one."""
    if not isinstance(value, dict):
        return str(value or "")
    here = lang()
    return value.get(here) or value.get("en" if here == "vi" else "vi") or ""


def money(amount) -> str:
    return format_vnd(int(amount or 0), lang())


def _day(p: dict) -> str:
    return format_date(date.fromisoformat(p["date"]))


def _buyer_order(p: dict) -> tuple[str, dict]:
    return "orders.order_page", {"number": p["order"]}


def _staff_order(p: dict) -> tuple[str, dict]:
    return "orders.manage_order", {"slug": p["slug"], "number": p["shop_order"]}


def _certificates(p: dict) -> tuple[str, dict]:
    return "ocop.manage_certificates", {"slug": p["slug"]}


def _payouts(p: dict) -> tuple[str, dict]:
    return "payouts.manage_payouts", {"slug": p["slug"]}


def _payment_method(p: dict) -> str:
    from app.orders.forms import PAYMENT_LABELS  # the one set of payment method names

    return str(PAYMENT_LABELS.get(p.get("method"), p.get("method", "")))


def _decision_title(p: dict) -> str:
    number = p["certificate_no"]
    return {
        "verify": _("OCOP certificate %(number)s is verified", number=number),
        "reject": _("OCOP certificate %(number)s was not accepted", number=number),
        "revoke": _("OCOP certificate %(number)s was revoked", number=number),
    }.get(p.get("decision"), number)


def _decision_text(p: dict) -> str:
    product = bilingual(p.get("product"))
    if p.get("decision") == "verify":
        return _("%(product)s shows the OCOP badge from now on.", product=product)
    if p.get("decision") == "revoke":
        return _(
            "The badge no longer shows on %(product)s. Reason: %(reason)s",
            product=product,
            reason=p.get("reason", ""),
        )
    return _(
        "Correct the certificate of %(product)s and send it again. Reason: %(reason)s",
        product=product,
        reason=p.get("reason", ""),
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # --- a buyer's own orders: transactional, always sent ---------------------------------
        Kind(
            "order_placed",
            BUYER,
            True,
            _l("Your order is placed"),
            lambda p: _("Your Chợ HTX order %(number)s", number=p["order"]),
            lambda p: _(
                "Thank you for your order %(number)s (%(total)s, %(method)s).",
                number=p["order"],
                total=money(p["total_vnd"]),
                method=_payment_method(p),
            ),
            _buyer_order,
        ),
        Kind(
            "order_cancelled",
            BUYER,
            True,
            _l("A cooperative cancels your order"),
            lambda p: _(
                "%(shop)s cancelled its part of order %(number)s",
                shop=bilingual(p["shop"]),
                number=p["order"],
            ),
            lambda p: " ".join(
                [_("Reason: %(reason)s", reason=p.get("reason", ""))]
                + ([_("What you paid for it is refunded.")] if p.get("paid") else [])
            ),
            _buyer_order,
        ),
        Kind(
            "order_expired",
            BUYER,
            True,
            _l("Your order is cancelled because it was not paid in time"),
            lambda p: _("Order %(number)s is cancelled: not paid in time", number=p["order"]),
            lambda p: _(
                "The payment did not arrive before the deadline, so the products went back on "
                "sale. You are welcome to order again."
            ),
            _buyer_order,
        ),
        Kind(
            "order_refunded",
            BUYER,
            True,
            _l("A cooperative refunds you"),
            lambda p: _(
                "%(shop)s refunds %(amount)s on order %(number)s",
                shop=bilingual(p["shop"]),
                amount=money(p["amount_vnd"]),
                number=p["order"],
            ),
            lambda p: _("Reason: %(reason)s", reason=p.get("reason", "")),
            _buyer_order,
        ),
        Kind(
            "order_shipped",
            BUYER,
            True,
            _l("Your parcel is on its way"),
            lambda p: _("Your parcel from %(shop)s is on its way", shop=bilingual(p["shop"])),
            lambda p: _(
                "%(shop)s has shipped its part of order %(number)s with %(carrier)s, tracking "
                "number %(tracking)s.",
                shop=bilingual(p["shop"]),
                number=p["order"],
                carrier=p.get("carrier", ""),
                tracking=p.get("tracking", ""),
            ),
            _buyer_order,
        ),
        Kind(
            "order_delivered",
            BUYER,
            True,
            _l("Your parcel is delivered"),
            lambda p: _("Your parcel from %(shop)s is delivered", shop=bilingual(p["shop"])),
            lambda p: _(
                "%(shop)s marked its part of order %(number)s as delivered. Something wrong? "
                "Tell the cooperative from your order page.",
                shop=bilingual(p["shop"]),
                number=p["order"],
            ),
            _buyer_order,
        ),
        Kind(
            "payment_confirmed",
            BUYER,
            True,
            _l("Your bank transfer is confirmed"),
            lambda p: _("Your payment for order %(number)s has arrived", number=p["order"]),
            lambda p: _(
                "We received %(amount)s by bank transfer: the cooperatives now pack your order.",
                amount=money(p["amount_vnd"]),
            ),
            _buyer_order,
        ),
        # --- a cooperative's work -------------------------------------------------------------
        Kind(
            "new_order",
            STAFF,
            True,
            _l("A new order arrives for your cooperative"),
            lambda p: _(
                "New order %(number)s for %(shop)s",
                number=p["shop_order"],
                shop=bilingual(p["shop"]),
            ),
            lambda p: _(
                "%(buyer)s ordered %(items)s item(s) for %(total)s, %(method)s.",
                buyer=p.get("buyer", ""),
                items=p.get("items", 0),
                total=money(p["total_vnd"]),
                method=_payment_method(p),
            ),
            _staff_order,
        ),
        Kind(
            "order_cancelled_by_buyer",
            STAFF,
            False,
            _l("A buyer cancels an order"),
            lambda p: _("The buyer cancelled order %(number)s", number=p["shop_order"]),
            lambda p: _("Do not pack or ship it: its stock is back on sale."),
            _staff_order,
        ),
        Kind(
            "order_paid",
            STAFF,
            False,
            _l("An order is paid (bank transfer confirmed, card payment received)"),
            lambda p: _("Order %(number)s is paid: pack it", number=p["shop_order"]),
            lambda p: _(
                "The buyer paid %(amount)s by %(method)s.",
                amount=money(p["total_vnd"]),
                method=_payment_method(p),
            ),
            _staff_order,
        ),
        Kind(
            "payout_sent",
            STAFF,
            False,
            _l("A payout is sent to your cooperative"),
            lambda p: _(
                "Payout of %(amount)s to %(shop)s sent",
                amount=money(p["amount_vnd"]),
                shop=bilingual(p["shop"]),
            ),
            lambda p: _("Reference: %(reference)s", reference=p.get("reference", "")),
            _payouts,
        ),
        Kind(
            "certificate_expiring",
            STAFF,
            False,
            _l("An OCOP certificate expires soon"),
            lambda p: _(
                "OCOP certificate %(number)s expires on %(date)s",
                number=p["certificate_no"],
                date=p["expires_on"],
            ),
            lambda p: _(
                "After that day the badge of %(product)s no longer shows. Once the product is "
                "re-evaluated, submit the new certificate with its scan.",
                product=bilingual(p.get("product")),
            ),
            _certificates,
        ),
        Kind(
            "policy_version",
            BUYER,
            True,  # the law asks that every user is told before new rules apply
            _l("A policy of Chợ HTX changes"),
            lambda p: _("New %(title)s from %(date)s", title=bilingual(p["title"]), date=_day(p)),
            lambda p: _(
                "Version %(n)s of the %(title)s takes effect on %(date)s.",
                n=p["version"],
                title=bilingual(p["title"]),
                date=_day(p),
            ),
            lambda p: ("policies.policy_page", {"kind": p["policy"], "version": p["version"]}),
        ),
        Kind(
            "certificate_decision",
            STAFF,
            False,
            _l("An OCOP certificate is verified, rejected or revoked"),
            _decision_title,
            _decision_text,
            _certificates,
        ),
    )
}


def kinds_for(audiences: set[str]) -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.audience in audiences]
