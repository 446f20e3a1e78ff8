"""The operator's terms and corrections: commission rates, smallest payouts, and manual
adjustments of a shop's balance (all audited).
"""

import uuid

from flask_babel import gettext as _

from app import audit
from app.accounts.permissions import require_admin
from app.extensions import db
from app.models import AccountKind as K
from app.models import LedgerTransaction, Shop, TransactionKind, User
from app.payouts import ledger
from app.payouts.errors import PayoutError
from app.validators import one_line

MAX_ADJUSTMENT_VND = 1_000_000_000


def adjust(user: User, shop: Shop, amount_vnd: int, reason: str) -> LedgerTransaction:
    """An operator's correction to a shop's available balance, with its reason (audited)."""
    require_admin(user)
    reason = one_line(reason)
    if not reason:
        raise PayoutError(_("Say why you adjust the balance: the cooperative will read it."))
    if len(reason) > 255:
        raise PayoutError(_("The reason has 255 characters at most."))
    if not isinstance(amount_vnd, int) or amount_vnd == 0 or abs(amount_vnd) > MAX_ADJUSTMENT_VND:
        raise PayoutError(_("Enter a non-zero amount of at most 1,000,000,000 đồng either way."))
    transaction = ledger.post(
        f"adjustment:{uuid.uuid4().hex}",
        TransactionKind.ADJUSTMENT,
        {(shop.id, K.AVAILABLE): amount_vnd, (None, K.ADJUSTMENTS): -amount_vnd},
        shop_id=shop.id,
        actor=user,
        memo=reason,
    )
    audit.record("payout.adjust", shop, actor=user, reason=reason, amount_vnd=amount_vnd)
    db.session.flush()
    return transaction


MAX_BPS = 5_000  # 50%: anything above is a typing mistake


def _check_bps(bps: int | None) -> None:
    if bps is not None and not 0 <= bps <= MAX_BPS:
        raise PayoutError(_("A commission is 0 to 5000 basis points (0 to 50%)."))


def set_shop_terms(user: User, shop: Shop, commission_bps: int | None, minimum_vnd: int | None):
    """A shop's own commission rate and smallest payout (None: the marketplace's defaults).
    Orders placed before keep the rate they were placed with."""
    require_admin(user)
    _check_bps(commission_bps)
    if minimum_vnd is not None and not 0 <= minimum_vnd <= MAX_ADJUSTMENT_VND:
        raise PayoutError(_("The smallest payout is 0 to 1,000,000,000 đồng."))
    audit.record(
        "payout.terms",
        shop,
        actor=user,
        commission_bps=commission_bps,
        payout_minimum_vnd=minimum_vnd,
        before=[shop.commission_bps, shop.payout_minimum_vnd],
    )
    shop.commission_bps, shop.payout_minimum_vnd = commission_bps, minimum_vnd
    db.session.flush()


def set_category_commission(user: User, category, commission_bps: int | None) -> None:
    """A category's commission rate (None: its parent's, else the marketplace's)."""
    require_admin(user)
    _check_bps(commission_bps)
    audit.record(
        "payout.category_rate",
        category,
        actor=user,
        commission_bps=commission_bps,
        before=category.commission_bps,
    )
    category.commission_bps = commission_bps
    db.session.flush()
