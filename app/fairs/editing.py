"""The fair itself: its details, cover, and status (draft, published, archived)."""

from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from app import audit
from app.extensions import db
from app.fairs.errors import FairError
from app.fairs.permissions import fair_by_slug, require_organiser
from app.media import delete_image, store_image
from app.models import Fair, FairStatus, Province, Role, User
from app.text import slugify
from app.unit_of_work import after_commit

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
        if user.role not in (Role.ORGANISER, Role.ADMIN):
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
        db.session.flush()
    except Exception:
        if stored:
            delete_image(stored.key)
        raise
    if old_cover:
        after_commit(delete_image, old_cover)
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
    db.session.flush()
