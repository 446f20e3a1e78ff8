from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog.forms import product_choices
from app.forms import choices, form_page, saved_or_none
from app.i18n import tr
from app.ocop import services as ocop
from app.page_cache import cached_for_anonymous
from app.paging import paginate
from app.shops.services import all_provinces, managed_shop
from app.trace import bp, gs1_bp, services
from app.trace.forms import SCHEME_LABELS, LotForm


def save_lot(form, save):
    return saved_or_none(form, save, (services.LotError,), fallback="code")


MAX_LABELS = 96


# --- public -----------------------------------------------------------------------------


@bp.route("/lot/<code>")
@cached_for_anonymous
def lot_page(code: str):
    lot = services.public_lot(code) or abort(404)
    return render_template(
        "trace/lot.html",
        lot=lot,
        certificate=ocop.valid_certificate(lot.product),
        schemes=SCHEME_LABELS,
    )


@gs1_bp.route("/trace/qr/<code>.<any(svg, png):kind>")
def qr(code: str, kind: str):
    lot = services.public_lot(code) or abort(404)
    mimetype = "image/svg+xml" if kind == "svg" else "image/png"
    response = Response(services.qr_image(lot, kind), mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@gs1_bp.route("/01/<gtin>/10/<code>")
def digital_link(gtin: str, code: str):
    """GS1 Digital Link: /01/{GTIN}/10/{lot} opens the lot page in the buyer's language."""
    lot = services.lot_by_gtin(gtin, code)
    if lot is None or services.public_lot(lot.code) is None:
        abort(404)
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang not in languages:
        lang = request.accept_languages.best_match(languages) or "vi"
    return redirect(url_for("trace.lot_page", lang_code=lang, code=lot.code), code=307)


# --- staff ------------------------------------------------------------------------------


def lot_form(shop, **kwargs) -> LotForm:
    form = LotForm(**kwargs)
    form.product_id.choices = product_choices(shop)
    form.province_id.choices = choices(
        [(0, _("— Choose a province —"))] + [(p.id, tr(p, "name")) for p in all_provinces()]
    )
    return form


@bp.route("/manage/<slug>/lots")
@login_required
def manage_lots(slug: str):
    shop = managed_shop(current_user, slug)
    pagination = paginate(services.staff_lots_query(shop))
    return render_template("trace/manage_lots.html", shop=shop, pagination=pagination)


@bp.route("/manage/<slug>/lots/new", methods=["GET", "POST"])
@login_required
def new_lot(slug: str):
    shop = managed_shop(current_user, slug)
    form = lot_form(shop)
    if not form.is_submitted() and request.args.get("product_id", type=int):
        form.product_id.data = request.args.get("product_id", type=int)
    if form.validate_on_submit():
        lot = save_lot(form, lambda: services.create_lot(current_user, shop, form.lot_input()))
        if lot is not None:
            flash(_("Lot %(code)s is saved.", code=lot.code), "success")
            return redirect(url_for("trace.manage_lots", slug=shop.slug))
    return form_page("trace/lot_form.html", shop=shop, form=form, lot=None)


@bp.route("/manage/<slug>/lots/<int:lot_id>/edit", methods=["GET", "POST"])
@login_required
def edit_lot(slug: str, lot_id: int):
    shop = managed_shop(current_user, slug)
    lot = services.shop_lot(current_user, shop, lot_id) or abort(404)
    form = lot_form(shop, obj=lot)
    if not form.is_submitted():
        form.province_id.data = lot.province_id or 0
        while len(form.steps) < len(lot.steps) + 3:
            form.steps.append_entry()
    if form.validate_on_submit():
        saved = save_lot(form, lambda: services.update_lot(current_user, lot, form.lot_input()))
        if saved is not None:
            flash(_("Lot %(code)s is saved.", code=saved.code), "success")
            return redirect(url_for("trace.manage_lots", slug=shop.slug))
    return form_page("trace/lot_form.html", shop=shop, form=form, lot=lot)


@bp.route("/manage/<slug>/lots/<int:lot_id>/labels")
@login_required
def lot_labels(slug: str, lot_id: int):
    """A print-ready sheet of QR labels for the lot's packages."""
    shop = managed_shop(current_user, slug)
    lot = services.shop_lot(current_user, shop, lot_id) or abort(404)
    count = min(max(request.args.get("count", 24, type=int) or 24, 1), MAX_LABELS)
    return render_template(
        "trace/labels.html", shop=shop, lot=lot, count=count, qr_url=services.qr_url(lot)
    )
