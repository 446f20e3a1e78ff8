"""Form pieces shared by several blueprints."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import DateField
from wtforms.validators import ValidationError

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]


def image_field(label) -> FileField:
    return FileField(label, validators=[FileAllowed(IMAGE_EXTENSIONS, _l("Upload an image file."))])


def images_field(label) -> MultipleFileField:
    return MultipleFileField(
        label, validators=[FileAllowed(IMAGE_EXTENSIONS, _l("Upload image files."))]
    )


def stripped(field) -> str:
    """A text field's value with surrounding space removed ("" when the field was not sent)."""
    return (field.data or "").strip()


class OneLanguageRequired:
    """At least one of two bilingual fields must be filled (content falls back to the other)."""

    def __init__(self, other_field: str, message=None):
        self.other_field = other_field
        self.message = message or _l("Fill in the Vietnamese or the English version.")

    def __call__(self, form, field):
        if not (field.data or "").strip() and not (form[self.other_field].data or "").strip():
            raise ValidationError(self.message)


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token travels."""


def iso_date_field(label, validators=None, **kwargs) -> DateField:
    """A date typed or picked as YYYY-MM-DD, with a message that says how to write it."""
    return DateField(
        label,
        validators,
        format="%Y-%m-%d",
        invalid_value_message=_l("Write the date as YYYY-MM-DD, for example 2026-03-15."),
        **kwargs,
    )
