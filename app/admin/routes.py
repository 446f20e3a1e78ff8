"""The admin area: every page needs the admin role (statistics also the read-only viewer).

Routes stay thin: they read the form, call the service that owns the rule and flash its
answer. Every decision is audited by that service.
"""

import io
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import role_required
from app.admin import bp, services, stats
from app.admin.charts import bar_chart
from app.admin.forms import (
    ActiveForm,
    DecisionForm,
    ProductDecisionForm,
    RoleForm,
    VerificationForm,
)
from app.catalog import moderation
from app.catalog.services import all_categories
from app.extensions import db
from app.forms import form_page
from app.i18n import current_lang, format_vnd, tr
from app.models import (
    ROLES,
    ProductStatus,
    Report,
    ReportStatus,
    Review,
    Role,
    Shop,
    ShopStatus,
    User,
)
from app.paging import paginate
from app.reports.services import REASON_LABELS
from app.reviews import services as reviews
from app.security import safe_redirect_target
from app.shops import services as shops
from app.shops.labels import shop_status_label
from app.validators import ReasonError, is_tax_code

admin_only = role_required(Role.ADMIN)


def page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@bp.route("/admin/")
@admin_only
def dashboard():
    return render_template("admin/dashboard.html", counts=services.dashboard_counts())


# --- cooperative verification -----------------------------------------------------------


@bp.route("/admin/shops")
@admin_only
def shop_queue():
    status = request.args.get("status", ShopStatus.PENDING)
    if status not in (*ShopStatus.ALL, "all"):
        status = ShopStatus.PENDING
    return render_template(
        "admin/shops.html",
        pagination=paginate(services.shops_query(status)),
        status=status,
        statuses=ShopStatus.ALL,
    )


@bp.route("/admin/shops/<int:shop_id>", methods=["GET", "POST"])
@admin_only
def shop_detail(shop_id: int):
    shop = db.session.get(Shop, shop_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            shops.decide_shop(current_user, shop, form.action.data, form.reason.data)
        except (shops.ShopError, ReasonError) as error:
            form.reason.errors.append(str(error))
        else:
            flash(
                _(
                    "%(name)s: %(status)s.",
                    name=tr(shop, "name"),
                    status=shop_status_label(shop.status),
                ),
                "success",
            )
            return redirect(url_for("admin.shop_detail", shop_id=shop.id))
    elif form.action.errors:
        form.reason.errors.extend(form.action.errors)
    return form_page(
        "admin/shop.html",
        shop=shop,
        form=form,
        duplicates=shops.shops_with_tax_code(shop),
        tax_code_ok=bool(shop.tax_code) and is_tax_code(shop.tax_code),
        verify_form=VerificationForm(formdata=None),
        verification=shops.latest_verification(shop),
    )


@bp.route("/admin/shops/<int:shop_id>/verify", methods=["POST"])
@admin_only
def verify_shop(shop_id: int):
    """Record a check of the shop's registration data (and open a pending registration)."""
    shop = db.session.get(Shop, shop_id) or abort(404)
    verify_form = VerificationForm()
    if verify_form.validate_on_submit():
        try:
            shops.verify_shop(
                current_user,
                shop,
                verify_form.method.data,
                verify_form.checks.data,
                verify_form.notes.data,
            )
        except shops.ShopError as error:
            db.session.rollback()
            verify_form.checks.errors.append(str(error))
        else:
            flash(_("%(name)s: verification recorded.", name=tr(shop, "name")), "success")
            return redirect(url_for("admin.shop_detail", shop_id=shop.id))
    return (
        render_template(
            "admin/shop.html",
            shop=shop,
            form=DecisionForm(formdata=None),
            duplicates=shops.shops_with_tax_code(shop),
            tax_code_ok=bool(shop.tax_code) and is_tax_code(shop.tax_code),
            verify_form=verify_form,
            verification=shops.latest_verification(shop),
        ),
        400,
    )


# --- listing moderation -----------------------------------------------------------------


def queue_filters() -> services.QueueFilters:
    status = request.args.get("status", ProductStatus.PENDING)
    return services.QueueFilters(
        shop=request.args.get("shop", "")[:80],
        province=request.args.get("province", "")[:40],
        category=request.args.get("category", "")[:60],
        older_than_days=request.args.get("age", type=int) or None,
        status=status if status in ProductStatus.ALL else ProductStatus.PENDING,
    )


@bp.route("/admin/products", methods=["GET", "POST"])
@admin_only
def product_queue():
    filters = queue_filters()
    form = ProductDecisionForm()
    if form.validate_on_submit():
        try:
            products = moderation.resolve_products(form.product_ids.data or [])
            count = moderation.decide(current_user, products, form.action.data, form.reason.data)
        except (moderation.ModerationError, ReasonError) as error:
            flash(str(error), "error")
        else:
            flash(
                _(
                    "%(count)s product(s): %(action)s.",
                    count=count,
                    action={c.value: c.label for c in form.action.choices}[form.action.data],
                ),
                "success",
            )
            return redirect(request.full_path)
    elif form.is_submitted():
        flash(form_errors(form), "error")
    return form_page(
        "admin/products.html",
        pagination=paginate(services.moderation_queue_query(filters)),
        filters=filters,
        form=form,
        provinces=shops.all_provinces(),
        categories=all_categories(),
        statuses=ProductStatus.ALL,
    )


# --- reports ----------------------------------------------------------------------------


@bp.route("/admin/reports")
@admin_only
def report_queue():
    status = request.args.get("status", ReportStatus.OPEN)
    if status not in (ReportStatus.OPEN, ReportStatus.DISMISSED, ReportStatus.ACTIONED):
        status = ReportStatus.OPEN
    target_type = request.args.get("target", "")
    pagination = paginate(
        services.reports_query(
            status, target_type if target_type in ("product", "shop", "review") else ""
        )
    )
    return render_template(
        "admin/reports.html",
        pagination=pagination,
        targets=services.report_targets(pagination.items),
        status=status,
        target_type=target_type,
        reasons=REASON_LABELS,
        form=DecisionForm(),
    )


DECISION_ERRORS = (services.AdminError, ReasonError, shops.ShopError, moderation.ModerationError)


def run_decision(form: DecisionForm, decide, success) -> bool:
    """Validate a decision form, run decide(action, reason) and flash what came of it."""
    if not form.validate_on_submit():
        flash(form_errors(form) or _("Choose an action."), "error")
        return False
    try:
        decide(form.action.data, form.reason.data)
    except DECISION_ERRORS as error:
        flash(str(error), "error")
        return False
    flash(success(form.action.data), "success")
    return True


@bp.route("/admin/reports/<int:report_id>", methods=["POST"])
@admin_only
def resolve_report(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    run_decision(
        DecisionForm(),
        lambda action, reason: services.resolve_report(current_user, report, action, reason),
        lambda action: _("The report is handled."),
    )
    return redirect(url_for("admin.report_queue"))


# --- reviews ----------------------------------------------------------------------------


@bp.route("/admin/reviews")
@admin_only
def review_list():
    status = request.args.get("status", "")
    return render_template(
        "admin/reviews.html",
        pagination=paginate(reviews.all_reviews_query(status)),
        status=status,
        form=DecisionForm(),
    )


@bp.route("/admin/reviews/<int:review_id>", methods=["POST"])
@admin_only
def moderate_review(review_id: int):
    review = db.session.get(Review, review_id) or abort(404)

    def decide(action: str, reason: str) -> None:
        if action not in ("hide", "show"):
            raise services.AdminError(_("Unknown action."))
        reviews.set_status(current_user, review, action == "hide", reason)

    run_decision(
        DecisionForm(),
        decide,
        lambda action: (
            _("The review is hidden.") if action == "hide" else _("The review is shown again.")
        ),
    )
    return redirect(safe_redirect_target(request.referrer, url_for("admin.review_list")))


# --- users ------------------------------------------------------------------------------


@bp.route("/admin/users")
@admin_only
def user_list():
    q = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    return render_template(
        "admin/users.html",
        pagination=paginate(services.users_query(q, role)),
        q=q,
        role=role,
        roles=ROLES,
        role_form=RoleForm(),
        active_form=ActiveForm(),
    )


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@admin_only
def change_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "error")
    else:
        try:
            services.change_role(current_user, user, form.role.data, form.reason.data)
        except (services.AdminError, ReasonError) as error:
            flash(str(error), "error")
        else:
            flash(_("%(email)s is now %(role)s.", email=user.email, role=user.role), "success")
    return redirect(safe_redirect_target(request.referrer, url_for("admin.user_list")))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_only
def set_active(user_id: int):
    user = _user_or_404(user_id)
    form = ActiveForm()
    activate = request.form.get("active") == "1"
    if not form.validate_on_submit():
        flash(form_errors(form), "error")
    else:
        try:
            services.set_active(current_user, user, activate, form.reason.data)
        except (services.AdminError, ReasonError) as error:
            flash(str(error), "error")
        else:
            message = (
                _("%(email)s can sign in again.") if activate else _("%(email)s is deactivated.")
            )
            flash(message % {"email": user.email}, "success")
    return redirect(safe_redirect_target(request.referrer, url_for("admin.user_list")))


# --- audit log --------------------------------------------------------------------------


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        flash(_("Dates are written YYYY-MM-DD; %(value)s was ignored.", value=value[:20]), "error")
        return None


def audit_filters() -> services.AuditFilters:
    return services.AuditFilters(
        action=request.args.get("action", "")[:60],
        actor=request.args.get("actor", "")[:120],
        target_type=request.args.get("target_type", "")[:40],
        target_id=request.args.get("target_id", type=int),
        since=_date_arg("since"),
        until=_date_arg("until"),
    )


@bp.route("/admin/audit")
@admin_only
def audit_log():
    filters = audit_filters()
    return render_template(
        "admin/audit.html",
        pagination=paginate(services.audit_query(filters)),
        filters=filters,
        actions=services.audit_actions(),
        target_types=services.audit_target_types(),
        columns=services.AUDIT_COLUMNS,
        audit_row=services.audit_row,
    )


def csv_response(write, filename: str) -> Response:
    out = io.StringIO()
    write(out)
    return Response(
        "\ufeff" + out.getvalue(),  # the BOM lets spreadsheet programs read UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/admin/audit.csv")
@admin_only
def audit_csv():
    import csv

    entries = db.session.scalars(services.audit_query(audit_filters()).limit(100_000))

    def write(out):
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(services.AUDIT_COLUMNS)
        writer.writerows(services.audit_row(entry) for entry in entries)

    return csv_response(write, "audit-log.csv")


# --- statistics -------------------------------------------------------------------------


def stats_selection():
    """(period, province, period text) from the query string, or a flashed error."""
    province_slug = request.args.get("province", "")
    province = shops.find_province(province_slug) if province_slug else None
    if province_slug and province is None:
        flash(_("Unknown province; showing all provinces."), "error")
    period_text = request.args.get("period", "")
    try:
        if request.args.get("from") or request.args.get("to"):
            period = stats.period_between(
                date.fromisoformat(request.args.get("from", "")),
                date.fromisoformat(request.args.get("to", "")),
            )
            period_text = ""
        else:
            period_text = period_text or default_period()
            period = stats.parse_period(period_text)
    except (ValueError, stats.PeriodError) as error:
        message = (
            str(error)
            if isinstance(error, stats.PeriodError)
            else _("Dates are written YYYY-MM-DD.")
        )
        flash(message, "error")
        period_text = default_period()
        period = stats.parse_period(period_text)
    return period, province, period_text


def default_period() -> str:
    today = date.today()
    return f"{today.year}H{1 if today.month <= 6 else 2}"


@bp.route("/admin/stats")
@role_required(Role.ADMIN, Role.VIEWER)
def statistics():
    period, province, period_text = stats_selection()
    lang = current_lang()
    result = stats.table(period, lang, province)
    total = result.figures.get(0, stats.Figures())
    per_province = [
        (tr(p, "name"), result.figures.get(p.id, stats.Figures())) for p in result.provinces
    ]
    charts = [
        bar_chart(
            "chart-gmv",
            _("Gross merchandise value by province"),
            [(name, f.gmv_vnd) for name, f in per_province],
            value_text=lambda v: format_vnd(v, lang),
        ),
        bar_chart(
            "chart-orders", _("Orders by province"), [(name, f.orders) for name, f in per_province]
        ),
        bar_chart(
            "chart-shops",
            _("Cooperatives"),
            [
                (_("New"), total.shops_new),
                (_("Verified"), total.shops_verified),
                (_("Active"), total.shops_active),
                (_("With online payments"), total.shops_online_payments),
            ],
        ),
        bar_chart(
            "chart-ocop",
            _("OCOP products by stars"),
            [("3★", total.ocop_3), ("4★", total.ocop_4), ("5★", total.ocop_5)],
        ),
        bar_chart(
            "chart-buyers",
            _("Buyers"),
            [(_("Domestic"), total.buyers_domestic), (_("Foreign"), total.buyers_foreign)],
        ),
    ]
    return render_template(
        "admin/stats.html",
        result=result,
        charts=charts,
        period=period,
        period_text=period_text,
        province=province,
        provinces=shops.all_provinces(),
    )


@bp.route("/admin/stats.csv")
@role_required(Role.ADMIN, Role.VIEWER)
def statistics_csv():
    period, province, period_text = stats_selection()
    result = stats.table(period, current_lang(), province)
    name = f"stats-{province.slug if province else 'all'}-{period_text or period.label}.csv"
    return csv_response(lambda out: stats.write_csv(result, out), name)
