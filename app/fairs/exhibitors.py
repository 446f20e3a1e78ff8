"""Exhibitors: the organiser invites cooperatives and reviews their applications, staff
answer for their own shops; booths and featured products.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app import audit
from app.extensions import db
from app.fairs.errors import FairError
from app.fairs.mails import application_mail, invitation_mail
from app.fairs.permissions import fair_by_slug, public_fairs, require_organiser
from app.mail import send_email
from app.models import (
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    FairStatus,
    Product,
    ProductStatus,
    Shop,
    ShopStatus,
    User,
)
from app.models.base import utcnow, vietnam_today
from app.shops.services import require_shop_staff
from app.text import fold

MAX_FEATURED = 12


def find_shops(query: str, limit: int = 20) -> list[Shop]:
    """Active cooperatives whose name or address matches, with or without accents."""
    wanted = fold(query or "").lower().strip()
    if not wanted:
        return []
    shops = db.session.scalars(
        sa.select(Shop)
        .where(Shop.status == ShopStatus.ACTIVE)
        .options(so.joinedload(Shop.province))
        .order_by(Shop.name_vi)
    )
    found = []
    for shop in shops:
        text = fold(" ".join((shop.slug, shop.name_vi, shop.name_en, shop.province.name_vi)))
        if wanted in text.lower():
            found.append(shop)
            if len(found) >= limit:
                break
    return found


def exhibitor_of(fair: Fair, exhibitor_id: int) -> FairExhibitor:
    exhibitor = db.session.get(FairExhibitor, exhibitor_id)
    if exhibitor is None or exhibitor.fair_id != fair.id:
        raise NotFound()
    return exhibitor


def _exhibitor_row(fair: Fair, shop: Shop) -> FairExhibitor | None:
    return db.session.scalar(
        sa.select(FairExhibitor).where(
            FairExhibitor.fair_id == fair.id, FairExhibitor.shop_id == shop.id
        )
    )


def invite_shop(user: User, fair: Fair, shop: Shop) -> FairExhibitor:
    """Invite a cooperative; its staff get an email and answer from their dashboard."""
    require_organiser(user, fair)
    if not shop.is_public:
        raise FairError(_("Only active cooperatives can be invited."))
    exhibitor = _exhibitor_row(fair, shop)
    if exhibitor is not None and exhibitor.status != ExhibitorStatus.DECLINED:
        raise FairError(_("%(shop)s is already on the list of this fair.", shop=shop.name_vi))
    if exhibitor is None:
        exhibitor = FairExhibitor(fair=fair, shop=shop)
        db.session.add(exhibitor)
    exhibitor.status = ExhibitorStatus.INVITED
    exhibitor.responded_at = None
    db.session.flush()
    audit.record("fair.invite", fair, actor=user, shop=shop.slug)
    for member in shop.members:
        send_email(*invitation_mail(fair, shop, member.user))
    return exhibitor


def apply_to_fair(user: User, fair: Fair, shop: Shop) -> FairExhibitor:
    """A cooperative's staff ask to exhibit at a published fair that has not ended."""
    require_shop_staff(user, shop)
    if fair.status != FairStatus.PUBLISHED or fair.ends_on < vietnam_today():
        raise FairError(_("This fair does not take applications."))
    exhibitor = _exhibitor_row(fair, shop)
    if exhibitor is not None:
        raise FairError(_("Your cooperative is already on the list of this fair."))
    exhibitor = FairExhibitor(fair=fair, shop=shop, status=ExhibitorStatus.APPLIED)
    db.session.add(exhibitor)
    db.session.flush()
    audit.record("fair.apply", fair, actor=user, shop=shop.slug)
    send_email(*application_mail(fair, shop))
    return exhibitor


def respond_to_invitation(user: User, exhibitor: FairExhibitor, accept: bool) -> None:
    """Staff of the invited shop (and only they, or an admin) accept or decline."""
    require_shop_staff(user, exhibitor.shop)
    if exhibitor.status != ExhibitorStatus.INVITED:
        raise FairError(_("This invitation has already been answered."))
    _decide(user, exhibitor, accept, "fair.invitation")


def review_application(user: User, exhibitor: FairExhibitor, accept: bool) -> None:
    """The organiser approves or declines a shop's application."""
    require_organiser(user, exhibitor.fair)
    if exhibitor.status != ExhibitorStatus.APPLIED:
        raise FairError(_("This application has already been answered."))
    _decide(user, exhibitor, accept, "fair.application")


def _decide(user: User, exhibitor: FairExhibitor, accept: bool, action: str) -> None:
    exhibitor.status = ExhibitorStatus.ACCEPTED if accept else ExhibitorStatus.DECLINED
    exhibitor.responded_at = utcnow()
    audit.record(
        f"{action}.{'accept' if accept else 'decline'}",
        exhibitor.fair,
        actor=user,
        shop=exhibitor.shop.slug,
    )
    db.session.flush()


def set_booth(user: User, exhibitor: FairExhibitor, booth: str, hall: str) -> None:
    require_organiser(user, exhibitor.fair)
    exhibitor.booth, exhibitor.hall = booth.strip()[:20], hall.strip()[:60]
    db.session.flush()


def remove_exhibitor(user: User, exhibitor: FairExhibitor) -> None:
    fair = exhibitor.fair
    require_organiser(user, fair)
    fair.exhibitors.remove(exhibitor)
    audit.record("fair.exhibitor.remove", fair, actor=user, shop=exhibitor.shop.slug)
    db.session.flush()


def featurable_products(exhibitor: FairExhibitor) -> list[Product]:
    """What may be featured: the approved products of the exhibitor's own shop."""
    return list(
        db.session.scalars(
            sa.select(Product)
            .where(Product.shop_id == exhibitor.shop_id, Product.status == ProductStatus.APPROVED)
            .order_by(Product.name_vi)
        )
    )


def set_featured_products(user: User, exhibitor: FairExhibitor, product_ids: list[int]) -> None:
    """Replace the exhibitor's featured products; each must be an approved product of its shop."""
    require_organiser(user, exhibitor.fair)
    if exhibitor.status != ExhibitorStatus.ACCEPTED:
        raise FairError(_("Only accepted exhibitors show featured products."))
    wanted = list(dict.fromkeys(product_ids))
    if len(wanted) > MAX_FEATURED:
        raise FairError(_("Feature at most %(n)s products.", n=MAX_FEATURED))
    allowed = {p.id for p in featurable_products(exhibitor)}
    foreign = [pid for pid in wanted if pid not in allowed]
    if foreign:
        raise FairError(_("Featured products must be approved products of the exhibitor's shop."))
    exhibitor.featured.clear()
    db.session.flush()
    for position, product_id in enumerate(wanted, start=1):
        exhibitor.featured.append(FairFeaturedProduct(product_id=product_id, position=position))
    audit.record("fair.featured", exhibitor.fair, actor=user, shop=exhibitor.shop.slug)
    db.session.flush()


def pending_invitations(shop: Shop) -> list[FairExhibitor]:
    """Invitations the shop has not answered, to fairs that have not ended."""
    return list(
        db.session.scalars(
            sa.select(FairExhibitor)
            .join(FairExhibitor.fair)
            .where(
                FairExhibitor.shop_id == shop.id,
                FairExhibitor.status == ExhibitorStatus.INVITED,
                Fair.ends_on >= vietnam_today(),
            )
            .options(so.contains_eager(FairExhibitor.fair))
            .order_by(Fair.starts_on)
        )
    )


def shop_fair_overview(user: User, shop: Shop) -> tuple[list[FairExhibitor], list[Fair]]:
    """A shop's fair rows (invited, applied, ...), and published fairs it may apply to."""
    require_shop_staff(user, shop)
    rows = list(
        db.session.scalars(
            sa.select(FairExhibitor)
            .join(FairExhibitor.fair)
            .where(FairExhibitor.shop_id == shop.id)
            .options(so.contains_eager(FairExhibitor.fair))
            .order_by(Fair.starts_on.desc())
        )
    )
    taken = {row.fair_id for row in rows}
    listing = public_fairs()
    open_fairs = [f for f in listing.current + listing.upcoming if f.id not in taken]
    return rows, open_fairs


def shop_exhibitor(user: User, shop: Shop, fair_slug: str) -> FairExhibitor:
    require_shop_staff(user, shop)
    fair = fair_by_slug(fair_slug)
    exhibitor = _exhibitor_row(fair, shop) if fair is not None else None
    if exhibitor is None:
        raise NotFound()
    return exhibitor
