"""Form pieces shared by several blueprints."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]


def choices(pairs) -> list[SelectChoice]:
    """Options of a SelectField or RadioField from (value, label) pairs (WTForms deprecates
    plain tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = choices([("vi", "Tiếng Việt"), ("en", "English")])  # in their own names


def image_field(label) -> FileField:
    return FileField(label, validators=[FileAllowed(IMAGE_EXTENSIONS, _l("Upload an image file."))])


def images_field(label) -> MultipleFileField:
    return MultipleFileField(
        label, validators=[FileAllowed(IMAGE_EXTENSIONS, _l("Upload image files."))]
    )


def add_error(form, field_name: str | None, message, fallback: str | None = None) -> None:
    """Show a service's refusal on the field it names (else on `fallback`); with neither, flash it.

    WTForms keeps errors as a tuple until the form is validated, hence the new list.
    """
    name = field_name if field_name and field_name in form else fallback
    if name is None:
        flash(str(message), "error")
        return
    form[name].errors = [*form[name].errors, str(message)]


def saved_or_none(form, save, refusals: tuple[type[Exception], ...], fallback: str | None = None):
    """Run a service's save; a refusal becomes an error on the field it names (else `fallback`)."""
    try:
        return save()
    except refusals as error:
        add_error(form, getattr(error, "field", None), error, fallback)
    return None


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
