from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.forms import LANGUAGE_CHOICES, Length, SiteForm, choices
from app.reviews.services import MAX_BODY, MAX_REPLY


class ReviewForm(SiteForm):
    rating = RadioField(
        _l("Rating"),
        choices=choices((n, "★" * n) for n in range(5, 0, -1)),
        coerce=int,
        validators=[InputRequired(_l("Choose a rating from 1 to 5 stars."))],
    )
    body = TextAreaField(_l("Your review"), validators=[Length(max=MAX_BODY)])
    lang = SelectField(_l("Written in"), choices=LANGUAGE_CHOICES, default="vi")
    submit = SubmitField(_l("Publish the review"))


class ReplyForm(SiteForm):
    reply = TextAreaField(
        _l("Answer of the cooperative"),
        validators=[DataRequired(_l("Write an answer.")), Length(max=MAX_REPLY)],
        description=_l("You can answer each review once; the answer cannot be changed later."),
    )
    submit = SubmitField(_l("Publish the answer"))
