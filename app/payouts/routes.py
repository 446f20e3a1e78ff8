from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts.permissions import role_required
from app.catalog.services import category_by_slug
from app.extensions import db
from app.forms import ActionForm
from app.i18n import format_vnd
from app.models import PayoutRun, Role
from app.paging import paginate
from app.payments import stripe_gateway
from app.payouts import bp, ledger, services
from app.payouts.forms import (
    AdjustmentForm,
    BankDetailsForm,
    MarkFailedForm,
    MarkPaidForm,
    RatesForm,
    RunForm,
)
from app.shops.services import managed_shop, shop_by_slug


def _month_or_404(month: str) -> tuple[int, int]:
    parsed = services.parse_month(month)
    if parsed is None:
        abort(404)
    return parsed


def _csv(text: str, filename: str) -> Response:
    return Response(
        "\ufeff" + text,  # a BOM, so spreadsheet programs read Vietnamese correctly
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- staff ----------------------------------------------------------------------------------


@bp.route("/manage/<slug>/payouts")
@login_required
def manage_payouts(slug: str):
    shop = managed_shop(current_user, slug)
    balance = services.shop_balance(shop)
    minimum = services.payout_minimum(shop)
    return render_template(
        "payouts/manage.html",
        shop=shop,
        balance=balance,
        minimum=minimum,
        method=services.payout_method(shop),
        has_bank=services.has_bank_details(shop),
        pending=services.pending_sales(shop),
        payouts=services.shop_payouts(shop),
        months=services.statement_months(shop),
    )


def _statement(slug: str, month: str):
    shop = managed_shop(current_user, slug)
    year, number = _month_or_404(month)
    return services.statement(current_user, shop, year, number)


@bp.route("/manage/<slug>/payouts/statements/<month>")
@login_required
def statement(slug: str, month: str):
    return render_template("payouts/statement.html", stmt=_statement(slug, month), printable=False)


@bp.route("/manage/<slug>/payouts/statements/<month>/print")
@login_required
def statement_print(slug: str, month: str):
    return render_template("payouts/statement_print.html", stmt=_statement(slug, month))


@bp.route("/manage/<slug>/payouts/statements/<month>.csv")
@login_required
def statement_csv(slug: str, month: str):
    stmt = _statement(slug, month)
    return _csv(services.statement_csv(stmt), f"statement-{stmt.shop.slug}-{stmt.label}.csv")


@bp.route("/manage/<slug>/payouts/settings", methods=["GET", "POST"])
@login_required
def payout_settings(slug: str):
    shop = managed_shop(current_user, slug)
    form = BankDetailsForm(
        data={
            "bank_bin": shop.payout_bank_bin,
            "account_no": shop.payout_account_no,
            "account_holder": shop.payout_account_holder,
        }
    ).with_bank_choices(shop.payout_bank_bin)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_bank_details(
                current_user,
                shop,
                form.bank_bin.data,
                form.account_no.data,
                form.account_holder.data,
            )
        except services.PayoutError as error:
            form.bank_bin.errors = [str(error)]
            status = 400
        else:
            flash(_("Bank details are saved."), "success")
            return redirect(url_for("payouts.payout_settings", slug=shop.slug))
    elif form.is_submitted():
        status = 400
    # Back from Stripe (?stripe=return) the page only reads: Stripe's account.updated webhook
    # turns payouts on, and the staff's "check" button (stripe_status) asks Stripe by POST.
    return (
        render_template(
            "payouts/settings.html",
            shop=shop,
            form=form,
            action_form=ActionForm(),
            stripe_enabled=stripe_gateway.is_enabled(),
        ),
        status,
    )


@bp.route("/manage/<slug>/payouts/stripe", methods=["POST"])
@login_required
def stripe_onboarding(slug: str):
    shop = managed_shop(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = url_for("payouts.payout_settings", slug=shop.slug, _external=True)
    try:
        link = services.connect_onboarding_url(
            current_user, shop, return_url=back + "?stripe=return", refresh_url=back
        )
    except services.PayoutError as error:
        flash(str(error), "error")
        return redirect(url_for("payouts.payout_settings", slug=shop.slug))
    return redirect(link)


@bp.route("/manage/<slug>/payouts/stripe/status", methods=["POST"])
@login_required
def stripe_status(slug: str):
    """Ask Stripe now whether onboarding is done (the webhook tells us too, a little later)."""
    shop = managed_shop(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.refresh_connect_status(current_user, shop)
    return redirect(url_for("payouts.payout_settings", slug=shop.slug))


# --- operator -------------------------------------------------------------------------------


def _admin_page(status: int = 200, **context):
    pagination = paginate(services.shops_with_balances_query())
    context.setdefault("run_form", RunForm(formdata=None))
    context.setdefault("adjust_form", AdjustmentForm(formdata=None))
    context.setdefault("rates_form", RatesForm(formdata=None))
    return (
        render_template(
            "payouts/admin.html",
            pagination=pagination,
            balances=ledger.balances(pagination.items),
            commission=services.commission_by_month(),
            waiting=services.waiting_bank_payouts(),
            runs=services.recent_runs(),
            paid_form=MarkPaidForm(formdata=None),
            failed_form=MarkFailedForm(formdata=None),
            **context,
        ),
        status,
    )


@bp.route("/admin/payouts")
@role_required(Role.ADMIN)
def admin_payouts():
    return _admin_page()


@bp.route("/admin/payouts/run", methods=["POST"])
@role_required(Role.ADMIN)
def admin_run():
    form = RunForm()
    if not form.validate_on_submit():
        return _admin_page(400, run_form=form)
    until = services.end_of_day(form.until.data) if form.until.data else None
    report = services.run_payouts(until, dry_run=bool(form.preview.data), actor=current_user)
    if report.dry_run:
        return _admin_page(preview=report, run_form=form)
    if not report.payouts:
        flash(_("Nothing to pay: no balance has reached its minimum."), "success")
        return redirect(url_for("payouts.admin_payouts"))
    flash(
        _(
            "%(count)s payout(s) created, %(amount)s in all.",
            count=len(report.payouts),
            amount=format_vnd(report.total_vnd),
        ),
        "success",
    )
    return redirect(url_for("payouts.admin_payouts"))


@bp.route("/admin/payouts/runs/<int:run_id>/batch.csv")
@role_required(Role.ADMIN)
def admin_batch(run_id: int):
    if db.session.get(PayoutRun, run_id) is None:
        abort(404)
    return _csv(services.batch_csv(run_id), f"payout-batch-{run_id}.csv")


# outcome -> (form, service, the form's field, message when the form is incomplete, done)
OUTCOMES = {
    "paid": (
        MarkPaidForm,
        services.mark_paid,
        "reference",
        _l("Enter the bank's transaction reference (3 to 120 characters)."),
        _l("Payout %(id)s is marked paid."),
    ),
    "failed": (
        MarkFailedForm,
        services.mark_failed,
        "reason",
        _l("Say why the payout failed."),
        _l("Payout %(id)s failed: the money is back on the shop's balance."),
    ),
}


@bp.route("/admin/payouts/<int:payout_id>/<outcome>", methods=["POST"])
@role_required(Role.ADMIN)
def admin_settle(payout_id: int, outcome: str):
    """The operator records what the bank did with a payout: paid (with its reference) or failed."""
    payout = services.payout_by_id(payout_id)
    if payout is None or outcome not in OUTCOMES:
        abort(404)
    form_class, settle, field, incomplete, done = OUTCOMES[outcome]
    form = form_class()
    if not form.validate_on_submit():
        flash(str(incomplete), "error")
        return _admin_page(400)
    try:
        settle(current_user, payout, form[field].data)
    except services.PayoutError as error:
        flash(str(error), "error")
        return _admin_page(400)
    flash(str(done) % {"id": payout_id}, "success")
    return redirect(url_for("payouts.admin_payouts"))


@bp.route("/admin/payouts/adjust", methods=["POST"])
@role_required(Role.ADMIN)
def admin_adjust():
    form = AdjustmentForm()
    if not form.validate_on_submit():
        return _admin_page(400, adjust_form=form)
    shop = shop_by_slug((form.shop.data or "").strip())
    if shop is None:
        form.shop.errors = [_("No shop has this address.")]
        return _admin_page(400, adjust_form=form)
    try:
        services.adjust(current_user, shop, form.amount_vnd.data, form.reason.data)
    except services.PayoutError as error:
        form.reason.errors = [str(error)]
        return _admin_page(400, adjust_form=form)
    flash(_("The adjustment is posted to %(shop)s.", shop=shop.slug), "success")
    return redirect(url_for("payouts.admin_payouts"))


@bp.route("/admin/payouts/rates", methods=["POST"])
@role_required(Role.ADMIN)
def admin_rates():
    form = RatesForm()
    if not form.validate_on_submit():
        return _admin_page(400, rates_form=form)
    slug = (form.target.data or "").strip()
    shop, category = shop_by_slug(slug), category_by_slug(slug)
    try:
        if shop is not None:
            services.set_shop_terms(
                current_user, shop, form.commission_bps.data, form.payout_minimum_vnd.data
            )
        elif category is not None:
            services.set_category_commission(current_user, category, form.commission_bps.data)
        else:
            form.target.errors = [_("No shop or category has this address.")]
            return _admin_page(400, rates_form=form)
    except services.PayoutError as error:
        form.commission_bps.errors = [str(error)]
        return _admin_page(400, rates_form=form)
    flash(
        _("Rates for %(slug)s are saved; orders already placed keep theirs.", slug=slug), "success"
    )
    return redirect(url_for("payouts.admin_payouts"))
