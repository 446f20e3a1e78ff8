"""Listing moderation: which submissions skip the queue, and the admins' decisions.

Every decision is audited, tells the shop's staff by email (in their language) and changes
the product's status, which the search hooks and public queries follow after the commit.
"""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from app.accounts.permissions import require_admin
from app.audit import record
from app.extensions import db
from app.models import Product, ProductStatus, Shop, User
from app.models.base import utcnow
from app.shops.services import decision_mail, notify_shop_staff
from app.validators import clean_reason

POLICIES = ("off", "verified", "trusted")


class ModerationError(ValueError):
    """A decision that cannot be made; the message is for the admin."""


def auto_approves(shop: Shop, product: Product | None = None) -> bool:
    """Whether a listing of `shop` is published without waiting in the queue.

    "verified": the shop's documents were checked; "trusted": verified, and none of its last
    AUTO_APPROVE_RECENT_LISTINGS listings (other than this one) was ever refused. A listing
    refused once always waits for an admin again.
    """
    policy = current_app.config.get("AUTO_APPROVE_POLICY", "off")
    if policy not in ("verified", "trusted") or not shop.is_verified:
        return False
    if product is not None and product.last_rejected_at is not None:
        return False  # a refused listing always goes back through the queue
    if policy == "verified":
        return True
    recent = (
        sa.select(Product.last_rejected_at)
        .where(Product.shop_id == shop.id)
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(current_app.config.get("AUTO_APPROVE_RECENT_LISTINGS", 10))
    )
    if product is not None and product.id is not None:
        recent = recent.where(Product.id != product.id)
    return all(rejected is None for rejected in db.session.scalars(recent))


def submit(product: Product) -> None:
    """A staff submission: published at once under the policy, otherwise queued."""
    product.submitted_at = utcnow()
    if auto_approves(product.shop, product):
        product.status = ProductStatus.APPROVED
        product.moderation_reason = ""
    else:
        product.status = ProductStatus.PENDING


DECISIONS = {
    # action: (new status, reason required, audit action)
    "approve": (ProductStatus.APPROVED, False, "product.approve"),
    "reject": (ProductStatus.REJECTED, True, "product.reject"),
    "changes": (ProductStatus.CHANGES_REQUESTED, True, "product.request_changes"),
    "hide": (ProductStatus.REJECTED, True, "product.hide"),
}


def decide(admin: User, products: Iterable[Product], action: str, reason: str = "") -> int:
    """Approve, reject, ask for changes on, or hide (after a report) products, all at once.

    Returns how many products changed. Staff of each product's shop get an email.
    """
    require_admin(admin)
    if action not in DECISIONS:
        raise ModerationError(_("Unknown moderation action."))
    status, required, audit_action = DECISIONS[action]
    reason = clean_reason(reason, required)
    products = list(products)
    if not products:
        raise ModerationError(_("Choose at least one product."))
    now = utcnow()
    for product in products:
        product.status = status
        product.moderated_at = now
        product.moderation_reason = reason
        if status != ProductStatus.APPROVED:
            product.last_rejected_at = now
        record(audit_action, product, actor=admin, reason=reason, shop=product.shop.slug)
    db.session.flush()
    for product in products:
        notify_staff(product, action, reason)
    return len(products)


def resolve_products(ids: Iterable[int]) -> list[Product]:
    """Products by id; an unknown id (forged or deleted) is an error, not silently dropped."""
    wanted = {int(i) for i in ids}
    found = list(db.session.scalars(sa.select(Product).where(Product.id.in_(wanted))))
    if len(found) != len(wanted):
        raise ModerationError(_("Some of the chosen products no longer exist."))
    return found


def _subject_and_text(product: Product, action: str, reason: str, lang: str) -> tuple[str, str]:
    name = getattr(product, f"name_{lang}") or product.name_vi or product.name_en
    subjects = {
        "approve": _("Your product %(name)s is published", name=name),
        "reject": _("Your product %(name)s was not approved", name=name),
        "changes": _("Changes are needed to your product %(name)s", name=name),
        "hide": _("Your product %(name)s was hidden by the marketplace", name=name),
    }
    closing = [] if action == "approve" else [_("Edit the product and send it for review again:")]
    url = url_for(
        "catalog.edit_product",
        slug=product.shop.slug,
        product_id=product.id,
        lang_code=lang,
        _external=True,
    )
    return decision_mail(subjects[action], reason, *closing, url)


def notify_staff(product: Product, action: str, reason: str) -> None:
    notify_shop_staff(product.shop, lambda lang: _subject_and_text(product, action, reason, lang))
