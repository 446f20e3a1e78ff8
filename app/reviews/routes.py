from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.catalog import services as catalog
from app.extensions import db
from app.forms import form_page
from app.i18n import current_lang
from app.models import Review
from app.paging import paginate
from app.reviews import bp, services
from app.reviews.forms import ReplyForm, ReviewForm
from app.shops.services import managed_shop


@bp.route("/p/<slug>/review", methods=["GET", "POST"])
@login_required
def write_review(slug: str):
    product = catalog.public_product_by_slug(slug) or abort(404)
    review = services.review_by(current_user, product)
    if not services.has_received(current_user, product):
        flash(_("Only buyers who received this product can review it."), "error")
        return redirect(url_for("catalog.product_page", slug=slug))
    if review is not None and not services.can_edit(review):
        flash(_("Your review can no longer be changed."), "error")
        return redirect(url_for("catalog.product_page", slug=slug))
    form = ReviewForm(obj=review) if review else ReviewForm(lang=current_lang())
    if form.validate_on_submit():
        try:
            services.save_review(
                current_user, product, form.rating.data, form.body.data, form.lang.data
            )
        except services.ReviewError as error:
            form.body.errors.append(str(error))
        else:
            flash(_("Thank you: your review is published."), "success")
            return redirect(url_for("catalog.product_page", slug=slug) + "#reviews")
    deadline = services.edit_deadline(review) if review else None
    return form_page(
        "reviews/write.html", product=product, form=form, review=review, deadline=deadline
    )


@bp.route("/manage/<slug>/reviews")
@login_required
def manage_reviews(slug: str):
    shop = managed_shop(current_user, slug)
    pagination = paginate(services.shop_reviews_query(shop))
    return render_template(
        "reviews/manage.html", shop=shop, pagination=pagination, form=ReplyForm()
    )


@bp.route("/manage/<slug>/reviews/<int:review_id>/reply", methods=["POST"])
@login_required
def reply(slug: str, review_id: int):
    shop = managed_shop(current_user, slug)
    review = db.session.get(Review, review_id)
    if review is None or review.product.shop_id != shop.id:
        abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.reply.errors) or _("Write an answer."), "error")
    else:
        try:
            services.reply_to(current_user, review, form.reply.data)
        except services.ReviewError as error:
            flash(str(error), "error")
        else:
            flash(_("Your answer is published."), "success")
    return redirect(url_for("reviews.manage_reviews", slug=shop.slug))
