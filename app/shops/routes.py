from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog import services as catalog
from app.forms import choices, form_page
from app.i18n import tr
from app.media import ImageRejected
from app.page_cache import cached_for_anonymous
from app.paging import paginate
from app.policies.services import accept_operating_rules
from app.shops import bp, services
from app.shops.forms import ShopProfileForm, ShopRegistrationForm


@bp.route("/shops")
@cached_for_anonymous
def shop_list():
    pagination = paginate(services.public_shops_query())
    counts = services.public_product_counts([shop.id for shop in pagination.items])
    return render_template("shops/list.html", pagination=pagination, counts=counts)


@bp.route("/s/<slug>")
@cached_for_anonymous
def shop_page(slug: str):
    # Imported here: ocop's services import the catalog's, which import this blueprint's.
    from app.ocop import services as ocop

    shop = services.public_shop_by_slug(slug) or abort(404)
    options = catalog.listing_options(request.args)
    query = catalog.public_products_query().where(catalog.Product.shop_id == shop.id)
    pagination = paginate(catalog.apply_listing_options(query, options))
    return render_template(
        "shops/shop.html",
        shop=shop,
        certificates=ocop.shop_certificates(shop),
        verification=services.latest_verification(shop),
        pagination=pagination,
        options=options,
    )


@bp.route("/manage/")
@login_required
def manage_home():
    shops = current_user.shops
    if len(shops) == 1:
        return redirect(url_for("catalog.manage_products", slug=shops[0].slug))
    return render_template("shops/manage_home.html", shops=shops)


@bp.route("/manage/<slug>/profile", methods=["GET", "POST"])
@login_required
def manage_profile(slug: str):
    shop = services.managed_shop(current_user, slug)
    form = ShopProfileForm(obj=shop)
    form.province_id.choices = choices((p.id, tr(p, "name")) for p in services.all_provinces())
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            services.update_profile(current_user, shop, form.profile_values(), logo=logo)
        except ImageRejected as error:
            form.logo.errors.append(str(error))
        else:
            flash(_("The shop profile is saved."), "success")
            return redirect(url_for("shops.manage_profile", slug=shop.slug))
    return form_page("shops/manage_profile.html", shop=shop, form=form)


@bp.route("/manage/register", methods=["GET", "POST"])
@login_required
def register_shop():
    if not current_user.may_register_shop:
        abort(403)
    form = ShopRegistrationForm()
    form.province_id.choices = choices((p.id, tr(p, "name")) for p in services.all_provinces())
    if form.validate_on_submit():
        try:
            shop = services.register_shop(current_user, form.registration(), form.files())
        except services.ShopError as error:
            form.documents.errors.append(str(error))
        else:
            accept_operating_rules(current_user, shop, way="shop_registration")
            flash(
                _(
                    "Thank you: %(name)s is registered and waits for an admin to check it.",
                    name=tr(shop, "name"),
                ),
                "success",
            )
            return redirect(url_for("shops.manage_home"))
    return form_page("shops/register.html", form=form)


@bp.route("/manage/<slug>/documents/<int:document_id>")
@login_required
def shop_document(slug: str, document_id: int):
    """A registration paper: staff of the shop and admins only, always as a download."""
    shop = services.managed_shop(current_user, slug)
    document = services.shop_document(current_user, shop, document_id) or abort(404)
    path = services.document_storage().path(document.key)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
