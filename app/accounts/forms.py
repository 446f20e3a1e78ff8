from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo

from app.forms import LANGUAGE_CHOICES, Length, SiteForm

PASSWORD_RULES = [DataRequired(), Length(min=8, max=128)]


class LoginForm(SiteForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class RegisterForm(SiteForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=PASSWORD_RULES,
        description=_l("At least 8 characters."),
    )
    # Consent to the privacy policy is required and asked apart from optional purposes;
    # both boxes start unticked.
    accept_privacy = BooleanField(
        _l("I have read and agree to the privacy policy"),
        validators=[DataRequired(_l("Agree to the privacy policy to create an account."))],
    )
    accept_marketing = BooleanField(_l("Send me news and offers from cooperatives (optional)"))
    submit = SubmitField(_l("Create account"))


class ProfileForm(SiteForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(SiteForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(SiteForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(SiteForm):
    new_password = PasswordField(_l("New password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Passwords differ."))],
    )
    submit = SubmitField(_l("Set new password"))
