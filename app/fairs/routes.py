from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.permissions import role_required
from app.extensions import db
from app.fairs import bp, services
from app.fairs.forms import (
    SECTION_LABELS,
    BoothForm,
    DecisionForm,
    EventForm,
    FairForm,
    InviteForm,
    NewSectionForm,
    SectionForm,
)
from app.forms import ActionForm, add_error, choices, form_page
from app.i18n import current_lang, tr
from app.media import ImageRejected
from app.models import ExhibitorStatus, FairStatus, Role, Shop
from app.page_cache import cached_for_anonymous
from app.shops.services import all_provinces, managed_shop

ORGANISER = (Role.ORGANISER, Role.ADMIN)


# --- public pages ---------------------------------------------------------------------------


@bp.route("/fairs")
@cached_for_anonymous
def fair_list():
    return render_template("fairs/list.html", listing=services.public_fairs())


def _directory_filters() -> services.DirectoryFilters:
    return services.DirectoryFilters(
        province=request.args.get("province") or None,
        category=request.args.get("category") or None,
        ocop=request.args.get("ocop") == "1",
    )


@bp.route("/fairs/<slug>")
@cached_for_anonymous
def fair_page(slug: str):
    fair = services.viewable_fair(current_user, slug)
    page = services.fair_page(fair, _directory_filters())
    return render_template("fairs/fair.html", fair=fair, page=page, kinds=SECTION_LABELS)


@bp.route("/fairs/<slug>/e/<shop_slug>")
@cached_for_anonymous
def exhibitor_page(slug: str, shop_slug: str):
    """Where a booth's QR poster leads: the cooperative at this fair, its featured products."""
    fair = services.viewable_fair(current_user, slug)
    exhibitor = services.public_exhibitor(fair, shop_slug)
    return render_template("fairs/exhibitor.html", fair=fair, exhibitor=exhibitor)


@bp.route("/fairs/<slug>/schedule.ics")
def schedule_ics(slug: str):
    fair = services.viewable_fair(current_user, slug)
    return Response(
        services.schedule_ics(fair, current_lang()),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}.ics"'},
    )


# --- organisers -----------------------------------------------------------------------------


@bp.route("/organise/fairs")
@role_required(*ORGANISER)
def organise_list():
    return render_template("fairs/organise_list.html", fairs=services.fairs_of(current_user))


def _fair_form(fair=None) -> FairForm:
    form = FairForm(obj=fair)
    form.province_id.choices = choices(
        [(0, _("— Choose a province —"))] + [(p.id, tr(p, "name")) for p in all_provinces()]
    )
    if fair is not None and fair.status != FairStatus.DRAFT:
        form.slug.render_kw = {"readonly": True}
        form.slug.description = _(
            "Fixed once the fair is published: posters and QR codes lead here."
        )
    return form


def _fair_details(fair=None):
    """The create and edit form of a fair's details (a new fair when `fair` is None)."""
    form = _fair_form(fair)
    if form.validate_on_submit():
        cover = form.cover.data.read() if form.cover.data else None
        try:
            saved = services.save_fair(current_user, fair, form.values(), cover)
        except services.FairError as error:
            add_error(form, error.field, error)
        except ImageRejected as error:
            form.cover.errors.append(str(error))
        else:
            if fair is None:
                flash(_("The fair is created as a draft. Now add its sections."), "success")
                return redirect(url_for("fairs.organise_sections", slug=saved.slug))
            flash(_("The fair is saved."), "success")
            return redirect(url_for("fairs.organise_edit", slug=saved.slug))
    return form_page("fairs/organise_form.html", form=form, fair=fair)


@bp.route("/organise/fairs/new", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_new():
    return _fair_details()


@bp.route("/organise/fairs/<slug>/edit", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_edit(slug: str):
    return _fair_details(services.organised_fair(current_user, slug))


@bp.route("/organise/fairs/<slug>/status", methods=["POST"])
@role_required(*ORGANISER)
def organise_status(slug: str):
    fair = services.organised_fair(current_user, slug)
    form = DecisionForm()
    if form.validate_on_submit() and form.decision.data in FairStatus.ALL:
        try:
            services.set_status(current_user, fair, form.decision.data)
        except services.FairError as error:
            flash(str(error), "error")
        else:
            flash(
                {
                    FairStatus.PUBLISHED: _("The fair is published."),
                    FairStatus.ARCHIVED: _("The fair is archived."),
                    FairStatus.DRAFT: _("The fair is back to draft: only you can see it."),
                }[fair.status],
                "success",
            )
    else:
        flash(_("Choose what to do with the fair."), "error")
    return redirect(url_for("fairs.organise_sections", slug=fair.slug))


@bp.route("/organise/fairs/<slug>/sections", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_sections(slug: str):
    fair = services.organised_fair(current_user, slug)
    form = NewSectionForm()
    if form.validate_on_submit():
        try:
            section = services.add_section(current_user, fair, form.kind.data)
        except services.FairError as error:
            flash(str(error), "error")
        else:
            flash(_("Section added."), "success")
            return redirect(
                url_for("fairs.organise_section", slug=fair.slug, section_id=section.id)
            )
    return form_page(
        "fairs/organise_sections.html",
        fair=fair,
        form=form,
        kinds=SECTION_LABELS,
        action=ActionForm(),
        statuses=FairStatus,
    )


@bp.route("/organise/fairs/<slug>/sections/<int:section_id>", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_section(slug: str, section_id: int):
    fair = services.organised_fair(current_user, slug)
    section = services.fair_section(current_user, fair, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        try:
            services.update_section(
                current_user, section, form.values(), form.upload(), form.gallery()
            )
        except services.FairError as error:
            add_error(form, error.field, error)
        except ImageRejected as error:
            add_error(form, "images", error)
        else:
            flash(_("Section saved."), "success")
            return redirect(url_for("fairs.organise_sections", slug=fair.slug))
    return form_page(
        "fairs/organise_section.html",
        fair=fair,
        section=section,
        form=form,
        kinds=SECTION_LABELS,
        action=ActionForm(),
    )


@bp.route("/organise/fairs/<slug>/sections/<int:section_id>/move", methods=["POST"])
@role_required(*ORGANISER)
def organise_move_section(slug: str, section_id: int):
    fair = services.organised_fair(current_user, slug)
    section = services.fair_section(current_user, fair, section_id)
    form = DecisionForm()
    if form.validate_on_submit() and form.decision.data in ("up", "down"):
        services.move_section(current_user, section, -1 if form.decision.data == "up" else 1)
        flash(_("Section moved."), "success")
    return redirect(url_for("fairs.organise_sections", slug=fair.slug))


@bp.route("/organise/fairs/<slug>/sections/<int:section_id>/delete", methods=["POST"])
@role_required(*ORGANISER)
def organise_delete_section(slug: str, section_id: int):
    fair = services.organised_fair(current_user, slug)
    section = services.fair_section(current_user, fair, section_id)
    if ActionForm().validate_on_submit():
        services.delete_section(current_user, section)
        flash(_("Section removed."), "success")
    return redirect(url_for("fairs.organise_sections", slug=fair.slug))


@bp.route(
    "/organise/fairs/<slug>/sections/<int:section_id>/images/<int:image_id>/delete",
    methods=["POST"],
)
@role_required(*ORGANISER)
def organise_delete_image(slug: str, section_id: int, image_id: int):
    fair = services.organised_fair(current_user, slug)
    section = services.fair_section(current_user, fair, section_id)
    if ActionForm().validate_on_submit():
        services.delete_gallery_image(current_user, section, image_id)
        flash(_("Picture removed."), "success")
    return redirect(url_for("fairs.organise_section", slug=fair.slug, section_id=section.id))


@bp.route("/organise/fairs/<slug>/exhibitors", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_exhibitors(slug: str):
    fair = services.organised_fair(current_user, slug)
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        shop = db.session.get(Shop, form.shop_id.data)
        try:
            if shop is None:
                raise services.FairError(_("Choose a cooperative from the search results."))
            services.invite_shop(current_user, fair, shop)
        except services.FairError as error:
            flash(str(error), "error")
            status = 409
        else:
            flash(_("%(shop)s is invited.", shop=tr(shop, "name")), "success")
            return redirect(url_for("fairs.organise_exhibitors", slug=fair.slug))
    elif form.is_submitted():
        flash(_("Choose a cooperative from the search results."), "error")
        status = 400
    query = (request.args.get("q") or "").strip()[:100]
    taken = {e.shop_id for e in fair.exhibitors if e.status != ExhibitorStatus.DECLINED}
    found = [s for s in services.find_shops(query) if s.id not in taken] if query else []
    return render_template(
        "fairs/organise_exhibitors.html",
        fair=fair,
        query=query,
        found=found,
        form=form,
        action=ActionForm(),
        statuses=ExhibitorStatus,
    ), status


@bp.route("/organise/fairs/<slug>/exhibitors/<int:exhibitor_id>", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_exhibitor(slug: str, exhibitor_id: int):
    fair = services.organised_fair(current_user, slug)
    exhibitor = services.exhibitor_of(fair, exhibitor_id)
    form = BoothForm(obj=exhibitor)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        elif "featured" in request.form:
            ids = [int(v) for v in request.form.getlist("product_id") if v.isdigit()]
            try:
                services.set_featured_products(current_user, exhibitor, ids)
            except services.FairError as error:
                flash(str(error), "error")
                status = 400
            else:
                flash(_("Featured products saved."), "success")
                return redirect(request.path)
        else:
            services.set_booth(current_user, exhibitor, form.booth.data or "", form.hall.data or "")
            flash(_("Booth saved."), "success")
            return redirect(request.path)
    return render_template(
        "fairs/organise_exhibitor.html",
        fair=fair,
        exhibitor=exhibitor,
        form=form,
        products=services.featurable_products(exhibitor),
        chosen={f.product_id for f in exhibitor.featured},
        statuses=ExhibitorStatus,
    ), status


@bp.route("/organise/fairs/<slug>/exhibitors/<int:exhibitor_id>/review", methods=["POST"])
@role_required(*ORGANISER)
def organise_review(slug: str, exhibitor_id: int):
    fair = services.organised_fair(current_user, slug)
    exhibitor = services.exhibitor_of(fair, exhibitor_id)
    form = DecisionForm()
    if form.validate_on_submit() and form.decision.data in ("accept", "decline", "remove"):
        try:
            if form.decision.data == "remove":
                services.remove_exhibitor(current_user, exhibitor)
            else:
                services.review_application(current_user, exhibitor, form.decision.data == "accept")
        except services.FairError as error:
            flash(str(error), "error")
        else:
            flash(_("Exhibitor list updated."), "success")
    return redirect(url_for("fairs.organise_exhibitors", slug=fair.slug))


@bp.route("/organise/fairs/<slug>/exhibitors/<int:exhibitor_id>/poster")
@role_required(*ORGANISER)
def organise_poster(slug: str, exhibitor_id: int):
    fair = services.organised_fair(current_user, slug)
    exhibitor = services.exhibitor_of(fair, exhibitor_id)
    return render_template("fairs/poster.html", fair=fair, exhibitor=exhibitor)


@bp.route("/organise/fairs/<slug>/exhibitors/<int:exhibitor_id>/qr.svg")
@role_required(*ORGANISER)
def organise_qr(slug: str, exhibitor_id: int):
    fair = services.organised_fair(current_user, slug)
    exhibitor = services.exhibitor_of(fair, exhibitor_id)
    target = url_for(
        "fairs.exhibitor_page", slug=fair.slug, shop_slug=exhibitor.shop.slug, _external=True
    )
    return Response(services.qr_svg(target), mimetype="image/svg+xml")


@bp.route("/organise/fairs/<slug>/schedule", methods=["GET", "POST"])
@role_required(*ORGANISER)
def organise_schedule(slug: str):
    fair = services.organised_fair(current_user, slug)
    form = EventForm()
    if form.validate_on_submit():
        try:
            services.add_event(current_user, fair, form.values())
        except services.FairError as error:
            add_error(form, error.field, error)
        else:
            flash(_("Event added to the schedule."), "success")
            return redirect(url_for("fairs.organise_schedule", slug=fair.slug))
    return form_page("fairs/organise_schedule.html", fair=fair, form=form, action=ActionForm())


@bp.route("/organise/fairs/<slug>/schedule/<int:event_id>/delete", methods=["POST"])
@role_required(*ORGANISER)
def organise_delete_event(slug: str, event_id: int):
    fair = services.organised_fair(current_user, slug)
    if ActionForm().validate_on_submit():
        services.delete_event(current_user, fair, event_id)
        flash(_("Event removed."), "success")
    return redirect(url_for("fairs.organise_schedule", slug=fair.slug))


@bp.route("/organise/fairs/<slug>/sales")
@role_required(*ORGANISER)
def organise_sales(slug: str):
    fair = services.organised_fair(current_user, slug)
    rows = services.sales_by_exhibitor(current_user, fair)
    return render_template("fairs/organise_sales.html", fair=fair, rows=rows)


# --- cooperative staff ----------------------------------------------------------------------


@bp.route("/manage/<slug>/fairs")
@login_required
def shop_fairs(slug: str):
    shop = managed_shop(current_user, slug)
    rows, open_fairs = services.shop_fair_overview(current_user, shop)
    return render_template(
        "fairs/shop_fairs.html",
        shop=shop,
        rows=rows,
        open_fairs=open_fairs,
        action=ActionForm(),
        statuses=ExhibitorStatus,
    )


@bp.route("/manage/<slug>/fairs/<fair_slug>/respond", methods=["POST"])
@login_required
def shop_respond(slug: str, fair_slug: str):
    shop = managed_shop(current_user, slug)
    exhibitor = services.shop_exhibitor(current_user, shop, fair_slug)
    form = DecisionForm()
    if form.validate_on_submit() and form.decision.data in ("accept", "decline"):
        accept = form.decision.data == "accept"
        try:
            services.respond_to_invitation(current_user, exhibitor, accept)
        except services.FairError as error:
            flash(str(error), "error")
        else:
            flash(
                _("You accepted the invitation.") if accept else _("You declined the invitation."),
                "success",
            )
    return redirect(url_for("fairs.shop_fairs", slug=shop.slug))


@bp.route("/manage/<slug>/fairs/<fair_slug>/apply", methods=["POST"])
@login_required
def shop_apply(slug: str, fair_slug: str):
    shop = managed_shop(current_user, slug)
    fair = services.viewable_fair(current_user, fair_slug)
    if ActionForm().validate_on_submit():
        try:
            services.apply_to_fair(current_user, fair, shop)
        except services.FairError as error:
            flash(str(error), "error")
        else:
            flash(_("Your application is sent to the organiser."), "success")
    return redirect(url_for("fairs.shop_fairs", slug=shop.slug))
