from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.permissions import role_required
from app.catalog.forms import product_choices
from app.extensions import db
from app.forms import form_page, saved_or_none
from app.models import CertificateStatus, OcopCertificate, Role, Shop
from app.models.ocop import PRODUCT_GROUPS
from app.ocop import bp, services
from app.ocop.forms import PRODUCT_GROUP_LABELS, CertificateForm, DecisionForm
from app.page_cache import cached_for_anonymous
from app.paging import paginate
from app.shops.services import all_provinces, managed_shop


def save_certificate(form, save):
    return saved_or_none(form, save, (services.OcopError,), fallback="certificate_no")


# --- public -----------------------------------------------------------------------------


@bp.route("/ocop")
@cached_for_anonymous
def certified():
    """Certified products, with filters by stars, province and product group."""
    stars = request.args.get("stars", type=int)
    stars = stars if stars in (3, 4, 5) else None
    province = request.args.get("province") or None
    group = request.args.get("group")
    group = group if group in PRODUCT_GROUPS else None
    query = services.certified_products_query(province, stars, group)
    pagination = paginate(query)
    certificates = services.valid_certificates([p.id for p in pagination.items])
    return render_template(
        "ocop/certified.html",
        pagination=pagination,
        certificates=certificates,
        provinces=all_provinces(),
        groups=PRODUCT_GROUP_LABELS,
        filters={"stars": stars, "province": province, "group": group},
    )


@bp.route("/ocop/verify/<path:certificate_no>")
def verify(certificate_no: str):
    certificate = services.public_certificate(certificate_no) or abort(404)
    return render_template(
        "ocop/verify.html",
        certificate=certificate,
        state=services.certificate_state(certificate),
        groups=PRODUCT_GROUP_LABELS,
    )


# --- staff ------------------------------------------------------------------------------


@bp.route("/manage/<slug>/ocop")
@login_required
def manage_certificates(slug: str):
    shop = managed_shop(current_user, slug)
    pagination = paginate(services.staff_certificates_query(shop))
    return render_template(
        "ocop/manage_certificates.html",
        shop=shop,
        pagination=pagination,
        groups=PRODUCT_GROUP_LABELS,
    )


@bp.route("/manage/<slug>/ocop/new", methods=["GET", "POST"])
@login_required
def new_certificate(slug: str):
    shop = managed_shop(current_user, slug)
    return certificate_page(
        shop,
        None,
        lambda form: services.submit_certificate(
            current_user, shop, form.certificate_input(), form.upload()
        ),
    )


@bp.route("/manage/<slug>/ocop/<int:certificate_id>/edit", methods=["GET", "POST"])
@login_required
def edit_certificate(slug: str, certificate_id: int):
    shop = managed_shop(current_user, slug)
    certificate = services.shop_certificate(current_user, shop, certificate_id) or abort(404)
    return certificate_page(
        shop,
        certificate,
        lambda form: services.update_certificate(
            current_user, certificate, form.certificate_input(), form.upload()
        ),
    )


def certificate_page(shop: Shop, certificate: OcopCertificate | None, save):
    """The staff form for a new or a corrected certificate; both go back to the admins."""
    form = CertificateForm(obj=certificate)
    form.product_id.choices = product_choices(shop)
    if form.validate_on_submit():
        saved = save_certificate(form, lambda: save(form))
        if saved is not None:
            flash(
                _("Certificate %(number)s is sent for verification.", number=saved.certificate_no),
                "success",
            )
            return redirect(url_for("ocop.manage_certificates", slug=shop.slug))
    return form_page("ocop/certificate_form.html", shop=shop, form=form, certificate=certificate)


@bp.route("/ocop/scans/<int:certificate_id>")
@login_required
def scan(certificate_id: int):
    """The scan of a certificate: staff of its shop and admins only, never cached publicly."""
    certificate = db.get_or_404(OcopCertificate, certificate_id)
    path = services.scan_file(current_user, certificate)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf" if certificate.scan_is_pdf else "image/webp",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- admins -----------------------------------------------------------------------------


@bp.route("/admin/ocop")
@role_required(Role.ADMIN)
def admin_queue():
    status = request.args.get("status", CertificateStatus.PENDING)
    if status not in CertificateStatus.ALL:
        status = CertificateStatus.PENDING
    pagination = paginate(services.admin_queue_query(status))
    return render_template(
        "ocop/admin_queue.html",
        pagination=pagination,
        status=status,
        statuses=CertificateStatus.ALL,
    )


@bp.route("/admin/ocop/<int:certificate_id>")
@role_required(Role.ADMIN)
def admin_review(certificate_id: int):
    certificate = db.get_or_404(OcopCertificate, certificate_id)
    return render_template(
        "ocop/admin_review.html",
        certificate=certificate,
        form=DecisionForm(),
        groups=PRODUCT_GROUP_LABELS,
        state=services.certificate_state(certificate),
    )


DECISIONS = {
    "verify": (
        lambda admin, c, reason: services.verify_certificate(admin, c),
        lambda c: _(
            "Certificate %(number)s is verified: its badge now shows.", number=c.certificate_no
        ),
    ),
    "reject": (
        services.reject_certificate,
        lambda c: _(
            "Certificate %(number)s is rejected; the cooperative sees why.", number=c.certificate_no
        ),
    ),
    "revoke": (
        services.revoke_certificate,
        lambda c: _("Certificate %(number)s is revoked.", number=c.certificate_no),
    ),
}


@bp.route(
    "/admin/ocop/<int:certificate_id>/<any(verify, reject, revoke):decision>", methods=["POST"]
)
@role_required(Role.ADMIN)
def admin_decide(certificate_id: int, decision: str):
    certificate = db.get_or_404(OcopCertificate, certificate_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (at most 2000 characters)."), "error")
        return redirect(url_for("ocop.admin_review", certificate_id=certificate.id))
    decide, message = DECISIONS[decision]
    try:
        decide(current_user, certificate, (form.reason.data or "").strip())
    except services.OcopError as error:
        flash(str(error), "error")
        return redirect(url_for("ocop.admin_review", certificate_id=certificate.id))
    flash(message(certificate), "success")
    return redirect(url_for("ocop.admin_queue"))
