"""Form pieces shared by several blueprints.

Every form is a `SiteForm` (a form inside one, a `SubForm`): WTForms' own messages ("This
field is required.") come from our catalog in the page's language (WTForms ships no
Vietnamese), and `Length` and `NumberRange` here write their numbers as the page's language
does (10.000.000.000 / 10,000,000,000).
"""

import wtforms
from flask import flash, render_template
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import DateField
from wtforms import validators as wtf_validators
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app.i18n import format_number

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]

# WTForms' and Flask-WTF's own messages that our forms can show, listed so that `flask translate
# update` puts them in our catalog; PageLanguageTranslations looks them up there.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("File does not have an approved extension."),
)


class PageLanguageTranslations:
    """WTForms' gettext interface over our catalog, in the locale of the page being shown."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


PAGE_LANGUAGE = PageLanguageTranslations()


class PageLanguageMeta:
    """Flask-WTF would look for WTForms' own catalog, which has no Vietnamese."""

    def get_translations(self, form):
        return PAGE_LANGUAGE


class SiteForm(FlaskForm):
    """The base of every form of the site: its messages speak the page's language."""

    Meta = PageLanguageMeta

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pages hold several forms: their hidden tokens and buttons, which no label points
        # at, carry no HTML id (two forms' "csrf_token" or "submit" would repeat one).
        for field in self:
            if field.type in ("CSRFTokenField", "SubmitField") and not field.render_kw:
                field.render_kw = {"id": False}


class SubForm(wtforms.Form):
    """A form inside a form (FormField, FieldList): no CSRF token of its own, same language."""

    Meta = PageLanguageMeta


def _numbers_in_message(message, grouping: bool = True, **numbers) -> str:
    """A validator's message with its numbers written for the page's language.

    Messages may say %(max)d or %(max)s; both get the formatted number.
    """
    text = str(message)
    for name in numbers:
        text = text.replace(f"%({name})d", f"%({name})s")
    return text % {name: format_number(value, grouping=grouping) for name, value in numbers.items()}


class Length(wtf_validators.Length):
    """WTForms' Length, its message in the page's language with formatted numbers."""

    def __call__(self, form, field):
        length = len(field.data) if field.data else 0
        if length >= self.min and (self.max == -1 or length <= self.max):
            return
        if self.message is not None:
            message = self.message
        elif self.max == -1:
            message = PAGE_LANGUAGE.ngettext(
                "Enter at least %(min)s character.", "Enter at least %(min)s characters.", self.min
            )
        elif self.min == -1:
            message = PAGE_LANGUAGE.ngettext(
                "Enter at most %(max)s character.", "Enter at most %(max)s characters.", self.max
            )
        elif self.min == self.max:
            message = PAGE_LANGUAGE.ngettext(
                "Enter exactly %(max)s character.", "Enter exactly %(max)s characters.", self.max
            )
        else:
            message = _l("Enter between %(min)s and %(max)s characters.")
        raise ValidationError(_numbers_in_message(message, min=self.min, max=self.max))


class NumberRange(wtf_validators.NumberRange):
    """WTForms' NumberRange, its message in the page's language with formatted numbers.

    grouping=False for numbers that are not amounts, such as years (1900, not 1.900).
    """

    def __init__(self, min=None, max=None, message=None, grouping: bool = True):
        super().__init__(min, max, message)
        self.grouping = grouping

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError:
            low, high = self._resolve(self.min), self._resolve(self.max)
            if self.message is not None:
                message = self.message
            elif high is None:
                message = _l("Enter a number of at least %(min)s.")
            elif low is None:
                message = _l("Enter a number of at most %(max)s.")
            else:
                message = _l("Enter a number from %(min)s to %(max)s.")
            numbers = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
            raise ValidationError(_numbers_in_message(message, self.grouping, **numbers)) from None


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


class ActionForm(SiteForm):
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


def form_page(template: str, form, **context):
    """A page with a form: 200 when it is first shown, 400 when a submitted form was refused
    (its messages are in the page, and the unit of work rolls back whatever was begun)."""
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200
