from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from app.forms import (
    Length,
    OneLanguageRequired,
    SiteForm,
    choices,
    image_field,
    images_field,
    stripped,
)
from app.models import SectionKind

SECTION_LABELS = {
    SectionKind.TEXT: _l("Rich text"),
    SectionKind.PRODUCTS: _l("Featured products grid"),
    SectionKind.EXHIBITORS: _l("Exhibitor directory"),
    SectionKind.SCHEDULE: _l("Schedule of events"),
    SectionKind.BOOTH_MAP: _l("Booth map"),
    SectionKind.GALLERY: _l("Image gallery"),
    SectionKind.SHOP: _l("Shop the fair"),
}


class FairForm(SiteForm):
    name_vi = StringField(
        _l("Name (Vietnamese)"), validators=[OneLanguageRequired("name_en"), Length(max=200)]
    )
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=80)],
        description=_l("a-z, 0-9 and hyphens; made from the name when left empty."),
    )
    theme_vi = StringField(_l("Theme (Vietnamese)"), validators=[Length(max=200)])
    theme_en = StringField(_l("Theme (English)"), validators=[Length(max=200)])
    description_vi = TextAreaField(_l("Description (Vietnamese)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    starts_on = DateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day."))]
    )
    ends_on = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))]
    )
    province_id = SelectField(_l("Province"), coerce=int, validators=[Optional()])
    address = StringField(_l("Venue address"), validators=[Length(max=255)])
    map_url = StringField(_l("Map link"), validators=[Optional(), Length(max=500)])
    cover = image_field(_l("Cover image"))

    def values(self) -> dict:
        return {
            "slug": stripped(self.slug),
            "name_vi": stripped(self.name_vi),
            "name_en": stripped(self.name_en),
            "theme_vi": stripped(self.theme_vi),
            "theme_en": stripped(self.theme_en),
            "description_vi": stripped(self.description_vi),
            "description_en": stripped(self.description_en),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "province_id": self.province_id.data or None,
            "address": stripped(self.address),
            "map_url": stripped(self.map_url),
        }


class NewSectionForm(SiteForm):
    kind = SelectField(_l("Kind of section"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(SECTION_LABELS.items())


class SectionForm(SiteForm):
    title_vi = StringField(_l("Title (Vietnamese)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    body_vi = TextAreaField(
        _l("Text (Vietnamese)"),
        validators=[Length(max=20000)],
        description=_l("Simple HTML: paragraphs, bold, lists, links. Scripts are removed."),
    )
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=20000)])
    image = image_field(_l("Booth map image"))
    images = images_field(_l("Add pictures"))
    caption_vi = StringField(_l("Caption of the new pictures (Vietnamese)"), [Length(max=200)])
    caption_en = StringField(_l("Caption of the new pictures (English)"), [Length(max=200)])

    def values(self) -> dict:
        return {
            "title_vi": stripped(self.title_vi),
            "title_en": stripped(self.title_en),
            "body_vi": self.body_vi.data or "",
            "body_en": self.body_en.data or "",
        }

    def upload(self) -> bytes | None:
        return self.image.data.read() if self.image.data else None

    def gallery(self) -> list[tuple[bytes, str, str]]:
        caption_vi, caption_en = stripped(self.caption_vi), stripped(self.caption_en)
        return [
            (f.read(), caption_vi, caption_en)
            for f in (self.images.data or [])
            if f and getattr(f, "filename", None)
        ]


class InviteForm(SiteForm):
    shop_id = IntegerField(validators=[InputRequired()])


class BoothForm(SiteForm):
    booth = StringField(_l("Booth"), validators=[Length(max=20)])
    hall = StringField(_l("Hall"), validators=[Length(max=60)])


class DecisionForm(SiteForm):
    decision = HiddenField(validators=[InputRequired()])


class EventForm(SiteForm):
    starts_at = DateTimeLocalField(
        _l("Starts (Vietnam time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter the start time."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (Vietnam time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    title_vi = StringField(
        _l("Title (Vietnamese)"), validators=[OneLanguageRequired("title_en"), Length(max=200)]
    )
    title_en = StringField(_l("Title (English)"), validators=[Length(max=200)])
    place = StringField(_l("Place"), validators=[Length(max=120)])
    speaker = StringField(_l("Speaker"), validators=[Length(max=120)])

    def values(self) -> dict:
        return {
            "starts_at": self.starts_at.data,
            "ends_at": self.ends_at.data,
            "title_vi": stripped(self.title_vi),
            "title_en": stripped(self.title_en),
            "place": stripped(self.place),
            "speaker": stripped(self.speaker),
        }
