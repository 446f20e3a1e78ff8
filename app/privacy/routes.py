import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app import clock
from app.accounts.permissions import role_required
from app.extensions import db
from app.forms import form_page
from app.models import DataIncident, DataRequest, DataRequestKind
from app.models.base import VIETNAM
from app.privacy import bp, services
from app.privacy.forms import (
    CompleteRequestForm,
    ConsentForm,
    DataRequestForm,
    DeleteAccountForm,
    ExportForm,
    IncidentForm,
)

admin_only = role_required("admin")


@bp.route("/account/export", methods=["POST"])
@login_required
def export():
    """Everything the floor holds about the signed-in person, as a JSON download."""
    if not ExportForm().validate_on_submit():
        abort(400)
    data = services.export_data(current_user)
    stamp = clock.now().astimezone(VIETNAM).strftime("%Y%m%d")
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="chohtx-my-data-{stamp}.json"',
            "Cache-Control": "private, no-store",
        },
    )
    return response


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.erase_account(current_user, form.password.data)
        except services.PrivacyError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            flash(_("Your account is deleted. Orders kept by law no longer name you."), "success")
            return redirect(url_for("main.home"))
    return render_template("privacy/delete.html", form=form), 400


@bp.route("/account/consents", methods=["POST"])
@login_required
def change_consent():
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    if form.action.data == "withdraw":
        services.withdraw_consent(current_user, form.purpose.data, "account_page")
        flash(_("You will no longer receive news and offers."), "success")
    else:
        services.give_consent(current_user, form.purpose.data, "account_page")
        flash(_("You will receive news and offers."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/account/data-requests", methods=["POST"])
@login_required
def new_request():
    form = DataRequestForm()
    if form.validate_on_submit():
        request = services.log_request(current_user, DataRequestKind.OTHER, form.details.data)
        flash(
            _(
                "Your request is logged; the marketplace answers by %(date)s.",
                date=request.due_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M"),
            ),
            "success",
        )
        return redirect(url_for("accounts.profile"))
    return render_template("privacy/request.html", form=form), 400


@bp.route("/admin/data-requests")
@admin_only
def admin_requests():
    return render_template(
        "privacy/admin_requests.html",
        open_requests=services.open_requests(),
        recent=services.recent_requests(),
        now=clock.now(),
        form=CompleteRequestForm(formdata=None),
    )


@bp.route("/admin/data-requests/<int:request_id>/complete", methods=["POST"])
@admin_only
def complete_request(request_id: int):
    data_request = db.session.get(DataRequest, request_id) or abort(404)
    form = CompleteRequestForm()
    if form.validate_on_submit():
        try:
            services.complete_request(current_user, data_request, form.outcome.data)
        except services.PrivacyError as error:
            flash(str(error), "error")
            return (
                render_template(
                    "privacy/admin_requests.html",
                    open_requests=services.open_requests(),
                    recent=services.recent_requests(),
                    now=clock.now(),
                    form=form,
                ),
                400,
            )
        flash(_("The request is closed."), "success")
    return redirect(url_for("privacy.admin_requests"))


@bp.route("/admin/data-incidents", methods=["GET", "POST"])
@admin_only
def admin_incidents():
    form = IncidentForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in form.data if name != "csrf_token"}
        values["detected_at"] = form.detected_at.data.replace(tzinfo=VIETNAM)
        try:
            incident = services.record_incident(current_user, values)
        except services.PrivacyError as error:
            form.detected_at.errors.append(str(error))
        else:
            flash(
                _(
                    "Incident recorded: notify the authority by %(date)s.",
                    date=incident.notify_by.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M"),
                ),
                "success",
            )
            return redirect(url_for("privacy.admin_incidents"))
    return form_page(
        "privacy/admin_incidents.html",
        form=form,
        incidents=services.incidents(),
        now=clock.now(),
        notify_hours=services.notify_hours(),
    )


@bp.route("/admin/data-incidents/<int:incident_id>/notified", methods=["POST"])
@admin_only
def incident_notified(incident_id: int):
    incident = db.session.get(DataIncident, incident_id) or abort(404)
    services.mark_incident_notified(current_user, incident)
    flash(_("Notification to the authority recorded."), "success")
    return redirect(url_for("privacy.admin_incidents"))
