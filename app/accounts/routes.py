from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp, services
from app.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.forms import form_page
from app.i18n import current_lang
from app.notifications import services as notifications
from app.orders.cart import merge_guest_cart
from app.privacy.services import record_registration_consents
from app.security import rate_limited, safe_redirect_target


def safe_next(default: str) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_redirect_target(request.args.get("next"), default)


@bp.route("/login", methods=["GET", "POST"])
@rate_limited("RATELIMIT_LOGIN", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            login_user(user, remember=form.remember.data)
            merge_guest_cart(user)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return redirect(safe_next(url_for("main.home")))
        flash(_("Wrong email or password."), "error")
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@rate_limited("RATELIMIT_REGISTER", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.password.data, form.name.data, locale=current_lang()
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            record_registration_consents(user, marketing=form.accept_marketing.data)
            login_user(user)
            merge_guest_cart(user)
            flash(_("Your account is ready."), "success")
            return redirect(safe_next(url_for("main.home")))
    return form_page("accounts/register.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.locale.data)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page(
        "accounts/profile.html",
        form=form,
        notification_kinds=notifications.kinds_shown_to(current_user),
        notifications_off=notifications.opted_out_kinds(current_user),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
    return form_page("accounts/password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data, current_lang())
        flash(_("If an account uses that email, a reset link is on its way."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@rate_limited("RATELIMIT_PASSWORD_RESET", methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.new_password.data)
        flash(_("Your password is changed. Sign in with it now."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_password.html", form=form)
