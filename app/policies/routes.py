from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.accounts.permissions import role_required
from app.forms import form_page
from app.i18n import tr
from app.models import PolicyKind
from app.page_cache import cached_for_anonymous
from app.policies import bp, services
from app.policies.forms import AcceptRulesForm, PolicyVersionForm
from app.shops.services import managed_shop


@bp.route("/policies/<kind>")
@cached_for_anonymous
def policy_page(kind: str):
    if kind not in PolicyKind.ALL:
        abort(404)
    number = request.args.get("version", type=int)
    version = services.version_by_number(kind, number) if number else services.current_version(kind)
    if version is None:
        abort(404)
    return render_template(
        "policies/page.html",
        kind=kind,
        version=version,
        current=services.current_version(kind),
        upcoming=services.upcoming_version(kind),
        history=services.versions(kind),
    )


@bp.route("/admin/policies")
@role_required("admin")
def admin_policies():
    return render_template(
        "policies/admin_list.html",
        kinds=PolicyKind.ALL,
        versions={kind: services.versions(kind) for kind in PolicyKind.ALL},
        current={kind: services.current_version(kind) for kind in PolicyKind.ALL},
        now=clock.now(),
    )


@bp.route("/admin/policies/<kind>/new", methods=["GET", "POST"])
@role_required("admin")
def new_policy_version(kind: str):
    if kind not in PolicyKind.ALL:
        abort(404)
    current = services.current_version(kind)
    form = PolicyVersionForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.effective_on.data = services.earliest_effective_date()
        form.summary_vi.data = form.summary_en.data = ""
    if form.validate_on_submit():
        try:
            version = services.publish_version(
                current_user, kind, form.texts(), form.effective_on.data
            )
        except services.PolicyError as error:
            form.effective_on.errors.append(str(error))
        else:
            flash(
                _(
                    "Version %(n)s of the %(title)s is published and announced to every user.",
                    n=version.version,
                    title=services.policy_title(kind),
                ),
                "success",
            )
            return redirect(url_for("policies.admin_policies"))
    return form_page(
        "policies/admin_form.html",
        form=form,
        kind=kind,
        notice_days=current_app.config["POLICY_NOTICE_DAYS"],
    )


@bp.route("/manage/<slug>/operating-rules/accept", methods=["POST"])
@login_required
def accept_rules(slug: str):
    """A staff member accepts the operating rules in force for their shop."""
    shop = managed_shop(current_user, slug)
    form = AcceptRulesForm()
    if not form.validate_on_submit():
        abort(400)
    services.accept_operating_rules(current_user, shop, way="staff_page")
    flash(_("%(name)s accepted the operating rules.", name=tr(shop, "name")), "success")
    return redirect(url_for("shops.manage_home"))
