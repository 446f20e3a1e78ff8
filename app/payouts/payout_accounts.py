"""Where a shop is paid: its bank account (BIN, number, holder) or its Stripe Connect account."""

import re

from flask_babel import gettext as _

from app import audit
from app.extensions import db
from app.models import Shop, User
from app.payments import stripe_gateway
from app.payments.banks import bank_by_bin
from app.payouts.errors import PayoutError
from app.shops.services import require_shop_staff
from app.unit_of_work import commit_step
from app.validators import one_line

BIN = re.compile(r"^\d{6}$")


ACCOUNT_NO = re.compile(r"^\d{6,19}$")


def update_bank_details(
    user: User, shop: Shop, bank_bin: str, account_no: str, holder: str
) -> None:
    """Where bank payouts go: the bank's 6-digit BIN, the account number and its holder."""
    require_shop_staff(user, shop)
    bank_bin, account_no, holder = (
        one_line(bank_bin),
        re.sub(r"[\s.-]", "", account_no or ""),
        one_line(holder),
    )
    if not BIN.match(bank_bin):
        raise PayoutError(_("A bank BIN has 6 digits (e.g. 970436)."))
    if bank_by_bin(bank_bin) is None and bank_bin != shop.payout_bank_bin:
        raise PayoutError(_("Choose your bank from the list."))
    if not ACCOUNT_NO.match(account_no):
        raise PayoutError(_("An account number has 6 to 19 digits."))
    if not 2 <= len(holder) <= 120:
        raise PayoutError(_("Enter the account holder's name as the bank knows it."))
    shop.payout_bank_bin, shop.payout_account_no = bank_bin, account_no
    shop.payout_account_holder = holder
    audit.record("payout.bank_details", shop, actor=user, bank_bin=bank_bin)
    db.session.flush()


def connect_onboarding_url(user: User, shop: Shop, return_url: str, refresh_url: str) -> str:
    """The Stripe Express onboarding link for the shop, creating its account on first use."""
    require_shop_staff(user, shop)
    if not stripe_gateway.is_enabled():
        raise PayoutError(_("Stripe is not set up on this marketplace."))
    account_id = shop.stripe_account_id
    try:
        if not account_id:
            account_id = stripe_gateway.create_connected_account(
                shop_key=str(shop.id), email=user.email
            )
            shop.stripe_account_id = account_id
            audit.record("payout.stripe_account", shop, actor=user, account=account_id)
            # The account exists at Stripe now: keep its id even if the link fails.
            commit_step("the new Connect account is committed before Stripe makes its link")
        return stripe_gateway.create_account_link(
            account_id=account_id, refresh_url=refresh_url, return_url=return_url
        )
    except stripe_gateway.GatewayError as error:
        raise PayoutError(_("Stripe did not answer: %(error)s", error=str(error))) from error


def refresh_connect_status(user: User, shop: Shop) -> bool:
    """Ask Stripe whether the shop's account can receive payouts (after onboarding)."""
    require_shop_staff(user, shop)
    if not shop.stripe_account_id or not stripe_gateway.is_enabled():
        return False
    try:
        account = stripe_gateway.retrieve_account(shop.stripe_account_id)
    except stripe_gateway.GatewayError:
        return shop.stripe_payouts_enabled
    if shop.stripe_payouts_enabled != account.payouts_enabled:
        shop.stripe_payouts_enabled = account.payouts_enabled
        db.session.flush()
    return account.payouts_enabled
