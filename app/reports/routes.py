from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.forms import form_page
from app.i18n import tr
from app.reports import bp, services
from app.reports.forms import ReportForm
from app.security import rate_limited


def _back_url(target_type: str, target) -> str:
    if target_type == "product":
        return url_for("catalog.product_page", slug=target.slug)
    if target_type == "shop":
        return url_for("shops.shop_page", slug=target.slug)
    return url_for("catalog.product_page", slug=target.product.slug) + "#reviews"


def _target_name(target_type: str, target) -> str:
    if target_type == "review":
        return _("a review of %(name)s", name=tr(target.product, "name"))
    return tr(target, "name")


@bp.route("/report/<target>/<int:target_id>", methods=["GET", "POST"])
@rate_limited("RATELIMIT_REPORT", methods=["POST"])
def new_report(target: str, target_id: int):
    """Anyone, signed in or not, may report a public product, shop or review."""
    found = services.public_target(target, target_id) or abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.file_report(
                current_user,
                request.remote_addr,
                target,
                target_id,
                form.reason.data,
                form.text.data,
            )
        except services.ReportError as error:
            form.text.errors.append(str(error))
        else:
            flash(_("Thank you: the marketplace team will look at your report."), "success")
            return redirect(_back_url(target, found))
    return form_page(
        "reports/new.html",
        form=form,
        target_name=_target_name(target, found),
        back_url=_back_url(target, found),
    )
