"""Trade fairs: the organiser's rights, the page builder, exhibitors, schedule and sales.

Every change goes through a function here that checks who may make it (an organiser edits
only their own fairs, admins any; staff answer only for their own shops) and commits once.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import nh3
import segno
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from icalendar import Calendar, Event
from werkzeug.exceptions import Forbidden, NotFound

from app import audit
from app.extensions import db
from app.i18n import localized
from app.mail import send_email
from app.media import delete_image, store_image
from app.models import (
    Category,
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    FairImage,
    FairSection,
    FairStatus,
    OcopCertificate,
    OrderLine,
    Product,
    ProductStatus,
    Province,
    ScheduleEvent,
    SectionKind,
    Shop,
    ShopOrder,
    ShopOrderStatus,
    ShopStatus,
    User,
)
from app.models.base import VIETNAM, utcnow
from app.shops.services import require_shop_staff
from app.text import fold, slugify

MAX_FEATURED = 12
MAX_GALLERY = 24
RICH_TEXT_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4",
    "blockquote", "a", "span",
}  # fmt: skip
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}, "span": {"lang"}}


class FairError(ValueError):
    """A rule was broken; the message is for the organiser or staff, `field` names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def sanitise_html(html: str) -> str:
    """Keep simple formatting and links; scripts, styles and event handlers are dropped."""
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    ).strip()


def local_today() -> date:
    return utcnow().astimezone(VIETNAM).date()


# --- who may do what --------------------------------------------------------------------


def fair_by_slug(slug: str) -> Fair | None:
    return db.session.scalar(sa.select(Fair).where(Fair.slug == slug))


def may_edit(user: User, fair: Fair) -> bool:
    if not user.is_authenticated:
        return False
    return user.role == "admin" or (user.role == "organiser" and fair.organiser_id == user.id)


def require_organiser(user: User, fair: Fair) -> None:
    """The one permission check for every change to a fair: its organiser, or an admin."""
    if not may_edit(user, fair):
        raise Forbidden(_("You do not organise this fair."))


def organised_fair(user: User, slug: str) -> Fair:
    """The fair named in an organiser URL, after the check (404 unknown, 403 not yours)."""
    fair = fair_by_slug(slug)
    if fair is None:
        raise NotFound()
    require_organiser(user, fair)
    return fair


def viewable_fair(user: User, slug: str) -> Fair:
    """A published (or archived) fair for everyone; a draft only for its organiser (preview)."""
    fair = fair_by_slug(slug)
    if fair is None or not (fair.is_public or may_edit(user, fair)):
        raise NotFound()
    return fair


def fairs_of(user: User) -> list[Fair]:
    query = sa.select(Fair).order_by(Fair.starts_on.desc(), Fair.id.desc())
    if user.role != "admin":
        query = query.where(Fair.organiser_id == user.id)
    return list(db.session.scalars(query))


@dataclass
class FairListing:
    current: list[Fair]
    upcoming: list[Fair]
    past: list[Fair]


def public_fairs(today: date | None = None) -> FairListing:
    """Public fairs: on now, coming (soonest first) and past (latest first, archived ones too)."""
    today = today or local_today()
    fairs = list(
        db.session.scalars(
            sa.select(Fair)
            .where(Fair.status.in_(FairStatus.PUBLIC))
            .options(so.joinedload(Fair.province))
            .order_by(Fair.starts_on, Fair.id)
        )
    )
    live = [f for f in fairs if f.status == FairStatus.PUBLISHED]
    return FairListing(
        current=[f for f in live if f.starts_on <= today <= f.ends_on],
        upcoming=[f for f in live if f.starts_on > today],
        past=sorted(
            (f for f in fairs if f.ends_on < today or f.status == FairStatus.ARCHIVED),
            key=lambda f: f.ends_on,
            reverse=True,
        ),
    )


# --- the fair itself --------------------------------------------------------------------

FAIR_FIELDS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "theme_vi",
    "theme_en",
    "starts_on",
    "ends_on",
    "province_id",
    "address",
    "map_url",
)


def _check_fair_values(values: dict, fair: Fair | None) -> str:
    slug = (values.get("slug") or "").strip()
    if fair is not None and fair.status != FairStatus.DRAFT:  # fixed once published
        if slug and slug != fair.slug:
            raise FairError(
                _("A published fair keeps its address: its posters and QR codes lead there."),
                "slug",
            )
        slug = fair.slug
    slug = slug or slugify(values["name_vi"] or values["name_en"])
    if not slug or slugify(slug) != slug:
        raise FairError(_("The address may use only a-z, 0-9 and hyphens."), "slug")
    other = fair_by_slug(slug)
    if other is not None and other is not fair:
        raise FairError(_("Another fair already uses the address %(slug)s.", slug=slug), "slug")
    if not (values["name_vi"] or values["name_en"]):
        raise FairError(_("Give the fair a name in Vietnamese or English."), "name_vi")
    if values["ends_on"] < values["starts_on"]:
        raise FairError(_("The fair cannot end before it starts."), "ends_on")
    if values["map_url"] and not values["map_url"].startswith(("https://", "http://")):
        raise FairError(_("A map link starts with https://."), "map_url")
    if (
        values["province_id"] is not None
        and db.session.get(Province, values["province_id"]) is None
    ):
        raise FairError(_("Choose a province."), "province_id")
    return slug


def save_fair(user: User, fair: Fair | None, values: dict, cover: bytes | None = None) -> Fair:
    """Create a fair (as a draft, organised by `user`) or change one; a new cover replaces
    the old image once the row is committed. Raises FairError or ImageRejected."""
    if fair is None:
        if user.role not in ("organiser", "admin"):
            raise Forbidden()
    else:
        require_organiser(user, fair)
    slug = _check_fair_values(values, fair)
    stored = store_image(cover) if cover is not None else None
    created = fair is None
    if created:
        fair = Fair(organiser_id=user.id, status=FairStatus.DRAFT)
        db.session.add(fair)
    fair.slug = slug
    for name in FAIR_FIELDS:
        setattr(fair, name, values[name])
    old_cover = None
    if stored:
        old_cover, fair.cover_key = fair.cover_key, stored.key
    try:
        db.session.flush()
        audit.record("fair.create" if created else "fair.update", fair, actor=user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if stored:
            delete_image(stored.key)
        raise
    if old_cover:
        delete_image(old_cover)
    return fair


def set_status(user: User, fair: Fair, status: str) -> None:
    """Publish, archive or take back to draft."""
    require_organiser(user, fair)
    if status not in FairStatus.ALL:
        raise FairError(_("Unknown status."))
    if status == FairStatus.PUBLISHED and not fair.sections:
        raise FairError(_("Add at least one section before publishing."))
    old, fair.status = fair.status, status
    audit.record("fair.status", fair, actor=user, old=old, new=status)
    db.session.commit()


# --- sections ---------------------------------------------------------------------------


def default_title(kind: str, lang: str) -> str:
    with force_locale(lang):
        return {
            SectionKind.TEXT: _("About the fair"),
            SectionKind.PRODUCTS: _("Featured products"),
            SectionKind.EXHIBITORS: _("Exhibitors"),
            SectionKind.SCHEDULE: _("Schedule"),
            SectionKind.BOOTH_MAP: _("Booth map"),
            SectionKind.GALLERY: _("Gallery"),
            SectionKind.SHOP: _("Shop the fair"),
        }[kind]


def add_section(user: User, fair: Fair, kind: str) -> FairSection:
    """A new section at the end of the page, titled after its kind in both languages."""
    require_organiser(user, fair)
    if kind not in SectionKind.ALL:
        raise FairError(_("Choose a kind of section."), "kind")
    section = FairSection(
        fair=fair,
        kind=kind,
        position=max((s.position for s in fair.sections), default=0) + 1,
        title_vi=default_title(kind, "vi"),
        title_en=default_title(kind, "en"),
    )
    db.session.add(section)
    db.session.flush()
    audit.record("fair.section.add", fair, actor=user, section=section.id, kind=kind)
    db.session.commit()
    return section


def fair_section(user: User, fair: Fair, section_id: int) -> FairSection:
    require_organiser(user, fair)
    section = db.session.get(FairSection, section_id)
    if section is None or section.fair_id != fair.id:
        raise NotFound()
    return section


def update_section(
    user: User,
    section: FairSection,
    values: dict,
    image: bytes | None = None,
    gallery: list[tuple[bytes, str, str]] = (),
) -> None:
    """Titles and sanitised rich text; the booth map image; pictures added to a gallery."""
    require_organiser(user, section.fair)
    if len(section.images) + len(gallery) > MAX_GALLERY:
        raise FairError(_("A gallery holds at most %(n)s pictures.", n=MAX_GALLERY), "images")
    stored_keys: list[str] = []
    old_image = None
    try:
        if image is not None:
            stored = store_image(image)
            stored_keys.append(stored.key)
            old_image, section.image_key = section.image_key, stored.key
        position = max((i.position for i in section.images), default=0)
        for data, caption_vi, caption_en in gallery:
            stored = store_image(data)
            stored_keys.append(stored.key)
            position += 1
            section.images.append(
                FairImage(
                    key=stored.key, position=position, caption_vi=caption_vi, caption_en=caption_en
                )
            )
        section.title_vi = values["title_vi"]
        section.title_en = values["title_en"]
        section.body_vi = sanitise_html(values.get("body_vi", ""))
        section.body_en = sanitise_html(values.get("body_en", ""))
        audit.record("fair.section.update", section.fair, actor=user, section=section.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in stored_keys:
            delete_image(key)
        raise
    if old_image:
        delete_image(old_image)


def move_section(user: User, section: FairSection, step: int) -> None:
    """One place up (-1) or down (+1); positions are renumbered 1, 2, 3..."""
    fair = section.fair
    require_organiser(user, fair)
    order = list(fair.sections)
    index = order.index(section)
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    for position, each in enumerate(order, start=1):
        each.position = position
    db.session.commit()


def delete_section(user: User, section: FairSection) -> None:
    fair = section.fair
    require_organiser(user, fair)
    keys = [i.key for i in section.images] + ([section.image_key] if section.image_key else [])
    fair.sections.remove(section)
    audit.record("fair.section.delete", fair, actor=user, section=section.id, kind=section.kind)
    db.session.commit()
    for key in keys:
        delete_image(key)


def delete_gallery_image(user: User, section: FairSection, image_id: int) -> None:
    require_organiser(user, section.fair)
    image = next((i for i in section.images if i.id == image_id), None)
    if image is None:
        raise NotFound()
    section.images.remove(image)
    db.session.commit()
    delete_image(image.key)


# --- exhibitors -------------------------------------------------------------------------


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
    mails = [_invitation_mail(fair, shop, member.user) for member in shop.members]
    db.session.commit()
    for mail in mails:
        _send(*mail)
    return exhibitor


def _language_of(user: User) -> str:
    return user.locale if user.locale in ("vi", "en") else "vi"


def _greeting(to: User, *lines: str) -> str:
    """A mail's text; call it under the recipient's locale."""
    return "\n".join([_("Hello %(name)s,", name=to.name), "", *lines])


def _invitation_mail(fair: Fair, shop: Shop, staff: User) -> tuple[str, str, str]:
    lang = _language_of(staff)
    fair_name = localized(fair, "name", lang)[0]
    with force_locale(lang):
        subject = _("Invitation to exhibit at %(fair)s", fair=fair_name)
        text = _greeting(
            staff,
            _(
                "%(shop)s is invited to exhibit at %(fair)s, from %(start)s to %(end)s.",
                shop=localized(shop, "name", lang)[0],
                fair=fair_name,
                start=fair.starts_on.isoformat(),
                end=fair.ends_on.isoformat(),
            ),
            _("Accept or decline the invitation here:"),
            url_for("fairs.shop_fairs", slug=shop.slug, lang_code=lang, _external=True),
        )
    return staff.email, subject, text


def apply_to_fair(user: User, fair: Fair, shop: Shop) -> FairExhibitor:
    """A cooperative's staff ask to exhibit at a published fair that has not ended."""
    require_shop_staff(user, shop)
    if fair.status != FairStatus.PUBLISHED or fair.ends_on < local_today():
        raise FairError(_("This fair does not take applications."))
    exhibitor = _exhibitor_row(fair, shop)
    if exhibitor is not None:
        raise FairError(_("Your cooperative is already on the list of this fair."))
    exhibitor = FairExhibitor(fair=fair, shop=shop, status=ExhibitorStatus.APPLIED)
    db.session.add(exhibitor)
    db.session.flush()
    audit.record("fair.apply", fair, actor=user, shop=shop.slug)
    mail = _application_mail(fair, shop)
    db.session.commit()
    _send(*mail)
    return exhibitor


def _application_mail(fair: Fair, shop: Shop) -> tuple[str, str, str]:
    organiser = fair.organiser
    lang = _language_of(organiser)
    names = {"shop": localized(shop, "name", lang)[0], "fair": localized(fair, "name", lang)[0]}
    with force_locale(lang):
        subject = _("%(shop)s applies to exhibit at %(fair)s", **names)
        text = _greeting(
            organiser,
            _("%(shop)s applies to exhibit at %(fair)s.", **names),
            _("Approve or decline the application here:"),
            url_for("fairs.organise_exhibitors", slug=fair.slug, lang_code=lang, _external=True),
        )
    return organiser.email, subject, text


def _send(to: str, subject: str, text: str) -> None:
    try:
        send_email(to, subject, text)
    except Exception:  # the change stands; the dashboards show it too
        current_app.logger.exception("Fair mail to %s not sent", to)


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
    db.session.commit()


def set_booth(user: User, exhibitor: FairExhibitor, booth: str, hall: str) -> None:
    require_organiser(user, exhibitor.fair)
    exhibitor.booth, exhibitor.hall = booth.strip()[:20], hall.strip()[:60]
    db.session.commit()


def remove_exhibitor(user: User, exhibitor: FairExhibitor) -> None:
    fair = exhibitor.fair
    require_organiser(user, fair)
    fair.exhibitors.remove(exhibitor)
    audit.record("fair.exhibitor.remove", fair, actor=user, shop=exhibitor.shop.slug)
    db.session.commit()


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
    db.session.commit()


def pending_invitations(shop: Shop) -> list[FairExhibitor]:
    """Invitations the shop has not answered, to fairs that have not ended."""
    return list(
        db.session.scalars(
            sa.select(FairExhibitor)
            .join(FairExhibitor.fair)
            .where(
                FairExhibitor.shop_id == shop.id,
                FairExhibitor.status == ExhibitorStatus.INVITED,
                Fair.ends_on >= local_today(),
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


# --- schedule ---------------------------------------------------------------------------


def to_utc(local: datetime) -> datetime:
    """A time the organiser typed (Vietnam time, no zone) as aware UTC."""
    return local.replace(tzinfo=VIETNAM).astimezone(ZoneInfo("UTC"))


def _fair_dates_message(fair: Fair) -> str:
    return _(
        "Events take place during the fair, from %(start)s to %(end)s.",
        start=format_date(fair.starts_on, "long"),
        end=format_date(fair.ends_on, "long"),
    )


def add_event(user: User, fair: Fair, values: dict) -> ScheduleEvent:
    require_organiser(user, fair)
    starts_at, ends_at = to_utc(values["starts_at"]), None
    # The times are typed in Vietnam time, like the fair's dates.
    if not fair.starts_on <= values["starts_at"].date() <= fair.ends_on:
        raise FairError(_fair_dates_message(fair), "starts_at")
    if values.get("ends_at"):
        ends_at = to_utc(values["ends_at"])
        if ends_at < starts_at:
            raise FairError(_("The event cannot end before it starts."), "ends_at")
        if values["ends_at"].date() > fair.ends_on:
            raise FairError(_fair_dates_message(fair), "ends_at")
    if not (values["title_vi"] or values["title_en"]):
        raise FairError(_("Give the event a title in Vietnamese or English."), "title_vi")
    event = ScheduleEvent(
        fair=fair,
        starts_at=starts_at,
        ends_at=ends_at,
        title_vi=values["title_vi"],
        title_en=values["title_en"],
        place=values["place"],
        speaker=values["speaker"],
    )
    db.session.add(event)
    db.session.commit()
    return event


def delete_event(user: User, fair: Fair, event_id: int) -> None:
    require_organiser(user, fair)
    event = db.session.get(ScheduleEvent, event_id)
    if event is None or event.fair_id != fair.id:
        raise NotFound()
    db.session.delete(event)
    db.session.commit()


def schedule_ics(fair: Fair, lang: str) -> bytes:
    """The schedule as iCalendar (RFC 5545), titles in `lang`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cho HTX//Fairs//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", localized(fair, "name", lang)[0])
    for item in fair.events:
        event = Event()
        event.add("uid", f"fair-{fair.id}-event-{item.id}@chohtx.vn")
        event.add("dtstamp", utcnow())
        event.add("dtstart", item.starts_at)
        if item.ends_at:
            event.add("dtend", item.ends_at)
        event.add("summary", localized(item, "title", lang)[0])
        if item.place or fair.address:
            event.add("location", ", ".join(p for p in (item.place, fair.address) if p))
        if item.speaker:
            event.add("description", item.speaker)
        calendar.add_component(event)
    return calendar.to_ical()


# --- the public page --------------------------------------------------------------------


@dataclass
class DirectoryFilters:
    province: str | None = None
    category: str | None = None
    ocop: bool = False

    def active(self) -> bool:
        return bool(self.province or self.category or self.ocop)


@dataclass
class FairPage:
    fair: Fair
    exhibitors: list[FairExhibitor]  # accepted, by hall and booth
    directory: list[FairExhibitor]  # the same, filtered
    featured: list[tuple[FairExhibitor, Product]]
    provinces: list[Province]
    categories: list[Category]
    filters: DirectoryFilters


def accepted_exhibitors(fair: Fair) -> list[FairExhibitor]:
    rows = db.session.scalars(
        sa.select(FairExhibitor)
        .join(FairExhibitor.shop)
        .where(
            FairExhibitor.fair_id == fair.id,
            FairExhibitor.status == ExhibitorStatus.ACCEPTED,
            Shop.status == ShopStatus.ACTIVE,
        )
        .options(
            so.contains_eager(FairExhibitor.shop).joinedload(Shop.province),
            so.selectinload(FairExhibitor.featured)
            .joinedload(FairFeaturedProduct.product)
            .selectinload(Product.images),
        )
    )
    return sorted(rows, key=lambda e: (e.hall, e.booth.zfill(8), e.shop.name_vi))


def _shops_in_category(shop_ids: list[int], category: Category) -> set[int]:
    ids = [category.id] + [c.id for c in category.children]
    return set(
        db.session.scalars(
            sa.select(Product.shop_id)
            .where(
                Product.shop_id.in_(shop_ids),
                Product.category_id.in_(ids),
                Product.status == ProductStatus.APPROVED,
                Product.is_hidden.is_(False),
            )
            .distinct()
        )
    )


def _shops_with_ocop(shop_ids: list[int]) -> set[int]:
    today = local_today()
    return set(
        db.session.scalars(
            sa.select(Product.shop_id)
            .join(OcopCertificate, OcopCertificate.product_id == Product.id)
            .where(
                Product.shop_id.in_(shop_ids),
                Product.status == ProductStatus.APPROVED,
                OcopCertificate.status == "verified",
                OcopCertificate.issued_on <= today,
                OcopCertificate.expires_on >= today,
            )
            .distinct()
        )
    )


def fair_page(fair: Fair, filters: DirectoryFilters) -> FairPage:
    """What the sections of the public page show."""
    exhibitors = accepted_exhibitors(fair)
    shop_ids = [e.shop_id for e in exhibitors]
    directory = exhibitors
    if filters.province:
        directory = [e for e in directory if e.shop.province.slug == filters.province]
    categories = list(
        db.session.scalars(
            sa.select(Category)
            .where(Category.parent_id.is_(None))
            .order_by(Category.position, Category.id)
        )
    )
    if filters.category:
        category = next((c for c in categories if c.slug == filters.category), None)
        in_category = _shops_in_category(shop_ids, category) if category else set()
        directory = [e for e in directory if e.shop_id in in_category]
    if filters.ocop:
        with_ocop = _shops_with_ocop(shop_ids)
        directory = [e for e in directory if e.shop_id in with_ocop]
    provinces = sorted({e.shop.province for e in exhibitors}, key=lambda p: p.name_vi)
    featured = [(e, f.product) for e in exhibitors for f in e.featured if f.product.is_public]
    return FairPage(fair, exhibitors, directory, featured, provinces, categories, filters)


def public_exhibitor(fair: Fair, shop_slug: str) -> FairExhibitor:
    exhibitor = next((e for e in accepted_exhibitors(fair) if e.shop.slug == shop_slug), None)
    if exhibitor is None:
        raise NotFound()
    return exhibitor


def exhibitor_shop_slugs(fair_slug: str) -> list[str] | None:
    """The shops exhibiting at a public fair, for the search filter; None for no such fair."""
    fair = fair_by_slug(fair_slug)
    if fair is None or not fair.is_public:
        return None
    return [e.shop.slug for e in accepted_exhibitors(fair)]


def attributed_fair_id(fair_slug: str | None, product_id: int) -> int | None:
    """The fair a cart addition came through: a public fair where the product's shop exhibits."""
    if not fair_slug:
        return None
    fair = fair_by_slug(fair_slug)
    product = db.session.get(Product, product_id)
    if fair is None or not fair.is_public or product is None:
        return None
    exhibits = db.session.scalar(
        sa.select(FairExhibitor.id).where(
            FairExhibitor.fair_id == fair.id,
            FairExhibitor.shop_id == product.shop_id,
            FairExhibitor.status == ExhibitorStatus.ACCEPTED,
        )
    )
    return fair.id if exhibits else None


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=10, border=2, xmldecl=False)
    return out.getvalue()


# --- sales ------------------------------------------------------------------------------


@dataclass
class ExhibitorSales:
    exhibitor: FairExhibitor
    orders: int
    units: int
    gmv_vnd: int


def sales_by_exhibitor(user: User, fair: Fair) -> list[ExhibitorSales]:
    """Orders and GMV per exhibitor, counting only order lines bought through the fair page
    (cancelled shop orders left out)."""
    require_organiser(user, fair)
    rows = db.session.execute(
        sa.select(
            OrderLine.shop_id,
            sa.func.count(sa.distinct(OrderLine.shop_order_id)),
            sa.func.sum(OrderLine.qty),
            sa.func.sum(OrderLine.qty * OrderLine.unit_price_vnd),
        )
        .join(ShopOrder, ShopOrder.id == OrderLine.shop_order_id)
        .where(OrderLine.fair_id == fair.id, ShopOrder.status != ShopOrderStatus.CANCELLED)
        .group_by(OrderLine.shop_id)
    )
    figures = {shop_id: (orders, units, gmv) for shop_id, orders, units, gmv in rows}
    return [
        ExhibitorSales(e, *(int(x or 0) for x in figures.get(e.shop_id, (0, 0, 0))))
        for e in fair.exhibitors
        if e.status == ExhibitorStatus.ACCEPTED or e.shop_id in figures
    ]
