from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog import bp, services
from app.catalog.facts import required_facts
from app.catalog.forms import ProductForm, StockForm
from app.catalog.pages import render_product_page
from app.forms import choices, form_page, saved_or_none
from app.i18n import tr
from app.media import ImageRejected
from app.models import ProductStatus
from app.page_cache import cached_for_anonymous
from app.paging import paginate
from app.security import safe_redirect_target
from app.shops.services import managed_shop


def save_product(form, save):
    return saved_or_none(form, save, (ImageRejected, services.CatalogError), fallback="images")


@bp.route("/c/<slug>")
@cached_for_anonymous
def category_page(slug: str):
    category = services.category_by_slug(slug) or abort(404)
    options = services.listing_options(request.args)
    pagination = paginate(
        services.apply_listing_options(services.category_products_query(category), options)
    )
    return render_template(
        "catalog/category.html",
        category=category,
        path=services.category_path(category),
        pagination=pagination,
        options=options,
    )


@bp.route("/category-facts")
@cached_for_anonymous
def category_facts():
    return render_template(
        "catalog/category_facts.html",
        rows=[(c, required_facts(c)) for c in services.all_categories()],
    )


@bp.route("/p/<slug>")
@cached_for_anonymous
def product_page(slug: str):
    product = services.public_product_by_slug(slug)
    if product is None:
        # Staff preview their own hidden, draft or waiting products; others get a 404.
        product = services.previewable_product_by_slug(current_user, slug) or abort(404)
    return render_product_page(product)


# --- staff ------------------------------------------------------------------------------


def staff_product(slug: str, product_id: int):
    shop = managed_shop(current_user, slug)
    product = services.shop_product(current_user, shop, product_id) or abort(404)
    return shop, product


def product_form(**kwargs) -> ProductForm:
    form = ProductForm(**kwargs)
    form.category_id.choices = choices(
        [(0, _("— Choose a category —"))]
        + [(c.id, ("— " if c.parent_id else "") + tr(c, "name")) for c in services.all_categories()]
    )
    return form


@bp.route("/manage/<slug>/products")
@login_required
def manage_products(slug: str):
    shop = managed_shop(current_user, slug)
    status = request.args.get("status")
    pagination = paginate(services.staff_products_query(shop, status))
    return render_template(
        "catalog/manage_products.html",
        shop=shop,
        pagination=pagination,
        status=status,
        statuses=ProductStatus.ALL,
        stock_form=StockForm(),
    )


@bp.route("/manage/<slug>/products/new", methods=["GET", "POST"])
@login_required
def new_product(slug: str):
    shop = managed_shop(current_user, slug)
    form = product_form()
    if form.validate_on_submit():
        product = save_product(
            form,
            lambda: services.create_product(
                current_user, shop, form.product_input(), form.uploads(), form.submit_review.data
            ),
        )
        if product is not None:
            flash(status_message(product.status), "success")
            return redirect(url_for("catalog.manage_products", slug=shop.slug))
    return form_page("catalog/product_form.html", shop=shop, form=form, product=None)


@bp.route("/manage/<slug>/products/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(slug: str, product_id: int):
    shop, product = staff_product(slug, product_id)
    form = product_form(obj=product)
    if request.method == "GET":
        form.fill_facts(product)
    if form.validate_on_submit():
        saved = save_product(
            form,
            lambda: services.update_product(
                current_user, product, form.product_input(), form.uploads(), form.submit_review.data
            ),
        )
        if saved is not None:
            flash(status_message(product.status), "success")
            return redirect(url_for("catalog.edit_product", slug=shop.slug, product_id=product.id))
    return form_page("catalog/product_form.html", shop=shop, form=form, product=product)


def status_message(status: str) -> str:
    return {
        ProductStatus.DRAFT: _("Saved as a draft: buyers do not see it yet."),
        ProductStatus.PENDING: _("Saved and sent for review: buyers see it once it is approved."),
        ProductStatus.APPROVED: _("Saved and published."),
    }.get(status, _("Saved."))


@bp.route("/manage/<slug>/products/<int:product_id>/stock", methods=["POST"])
@login_required
def update_stock(slug: str, product_id: int):
    shop, product = staff_product(slug, product_id)
    form = StockForm()
    if form.validate_on_submit():
        services.set_stock(current_user, product, form.stock.data)
        flash(
            _("Stock of %(name)s is now %(stock)s.", name=tr(product, "name"), stock=product.stock),
            "success",
        )
    else:
        flash(_("Stock must be a whole number, 0 or more."), "error")
    back = url_for("catalog.manage_products", slug=shop.slug)
    return redirect(safe_redirect_target(request.referrer, back))


@bp.route("/manage/<slug>/products/<int:product_id>/visibility", methods=["POST"])
@login_required
def toggle_hidden(slug: str, product_id: int):
    shop, product = staff_product(slug, product_id)
    services.set_hidden(current_user, product, not product.is_hidden)
    message = _("Hidden from buyers.") if product.is_hidden else _("Visible to buyers again.")
    flash(message, "success")
    return redirect(url_for("catalog.manage_products", slug=shop.slug))


@bp.route("/manage/<slug>/products/<int:product_id>/delete", methods=["POST"])
@login_required
def delete_product(slug: str, product_id: int):
    shop, product = staff_product(slug, product_id)
    name = tr(product, "name")
    try:
        services.delete_product(current_user, product)
    except services.CatalogError as error:
        flash(str(error), "error")
        return redirect(url_for("catalog.edit_product", slug=shop.slug, product_id=product.id))
    flash(_("%(name)s is deleted.", name=name), "success")
    return redirect(url_for("catalog.manage_products", slug=shop.slug))


@bp.route("/manage/<slug>/products/<int:product_id>/images/<int:image_id>/delete", methods=["POST"])
@login_required
def delete_image(slug: str, product_id: int, image_id: int):
    shop, product = staff_product(slug, product_id)
    try:
        services.remove_product_image(current_user, product, image_id)
    except services.CatalogError:
        abort(404)
    flash(_("The image is removed."), "success")
    return redirect(url_for("catalog.edit_product", slug=shop.slug, product_id=product.id))
