from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import ActionForm
from app.notifications import bp, services
from app.notifications.kinds import KINDS
from app.paging import page_arg


@bp.route("/notifications")
@login_required
def notification_list():
    pagination = db.paginate(
        services.list_query(current_user),
        page=page_arg(),
        per_page=services.PER_PAGE,
        error_out=False,
    )
    return render_template(
        "notifications/list.html",
        pagination=pagination,
        kinds=KINDS,
        form=ActionForm(),
        link=services.link,
    )


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.notification_list"))


@bp.route("/notifications/<int:notification_id>", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    """Read it and go to the page it is about (a POST: reading changes the unread count)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    notification = services.users_notification(current_user, notification_id)
    if notification is None or notification.kind not in KINDS:
        abort(404)
    services.mark_read(notification)
    return redirect(services.link(notification))


@bp.route("/notifications/preferences", methods=["POST"])
@login_required
def preferences():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_preferences(current_user, set(request.form.getlist("kind")))
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("accounts.profile") + "#notification-settings")
