"""The page builder: a fair's sections (text, featured products, exhibitors, schedule,
booth map, gallery), in the order the organiser sets.
"""

from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app import audit
from app.extensions import db
from app.fairs.errors import FairError
from app.fairs.permissions import require_organiser
from app.fairs.rich_text import sanitise_html
from app.media import delete_image, store_image
from app.models import Fair, FairImage, FairSection, SectionKind, User
from app.unit_of_work import after_commit

MAX_GALLERY = 24


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
    db.session.flush()
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
        db.session.flush()
    except Exception:
        for key in stored_keys:
            delete_image(key)
        raise
    if old_image:
        after_commit(delete_image, old_image)


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
    db.session.flush()


def delete_section(user: User, section: FairSection) -> None:
    fair = section.fair
    require_organiser(user, fair)
    keys = [i.key for i in section.images] + ([section.image_key] if section.image_key else [])
    fair.sections.remove(section)
    audit.record("fair.section.delete", fair, actor=user, section=section.id, kind=section.kind)
    db.session.flush()
    for key in keys:
        after_commit(delete_image, key)


def delete_gallery_image(user: User, section: FairSection, image_id: int) -> None:
    require_organiser(user, section.fair)
    image = next((i for i in section.images if i.id == image_id), None)
    if image is None:
        raise NotFound()
    section.images.remove(image)
    db.session.flush()
    after_commit(delete_image, image.key)
