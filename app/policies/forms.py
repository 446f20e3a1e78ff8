from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from app.forms import Length, SiteForm


class PolicyVersionForm(SiteForm):
    title_vi = StringField(
        _l("Title (Vietnamese)"), validators=[DataRequired(_l("Give a title.")), Length(max=200)]
    )
    title_en = StringField(
        _l("Title (English)"), validators=[DataRequired(_l("Give a title.")), Length(max=200)]
    )
    body_vi = TextAreaField(
        _l("Text (Vietnamese)"),
        validators=[DataRequired(_l("Give the text.")), Length(max=100_000)],
        description=_l('A line starting with "# " is a heading; a blank line starts a paragraph.'),
    )
    body_en = TextAreaField(
        _l("Text (English)"), validators=[DataRequired(_l("Give the text.")), Length(max=100_000)]
    )
    summary_vi = TextAreaField(
        _l("What changes (Vietnamese)"),
        validators=[Length(max=2000)],
        description=_l("Sent in the announcement mail."),
    )
    summary_en = TextAreaField(_l("What changes (English)"), validators=[Length(max=2000)])
    effective_on = DateField(
        _l("Takes effect on"), validators=[DataRequired(_l("Choose the date it takes effect."))]
    )
    submit = SubmitField(_l("Publish and announce"))

    def texts(self) -> dict:
        return {
            name: getattr(self, name).data or ""
            for name in ("title_vi", "title_en", "body_vi", "body_en", "summary_vi", "summary_en")
        }


class AcceptRulesForm(SiteForm):
    submit = SubmitField(_l("I accept the operating rules on behalf of this seller"))
