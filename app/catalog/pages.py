"""The public product page, built in one place: the catalog route shows it, and the cart
re-renders it with the reason when a quantity is refused.

Everything the template shows comes from here, asked of the blueprint that owns it (OCOP
certificate, traceability lots, reviews), so catalog/product.html needs no query of its own.
"""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.catalog import services as catalog
from app.catalog.facts import ordered_facts
from app.i18n import switch_language_to, tr
from app.media import image_url
from app.models import OcopCertificate, Product
from app.ocop import services as ocop
from app.paging import paginate
from app.reviews import services as reviews
from app.shops import services as shops
from app.trace import services as trace


def render_product_page(product: Product, status: int = 200):
    switch_language_to("catalog.product_page", slug=product.slug)
    certificate = ocop.valid_certificate(product)
    rating = reviews.product_rating(product)
    html = render_template(
        "catalog/product.html",
        product=product,
        path=catalog.category_path(product.category) if product.category else [],
        verification=shops.latest_verification(product.shop),
        certificate=certificate,
        product_facts=ordered_facts,
        lots=trace.current_lots(product),
        structured_data=product_structured_data(product, certificate, rating),
        reviews=paginate(reviews.product_reviews_query(product)),
        rating=rating,
        can_review=reviews.has_received(current_user, product),
        my_review=reviews.review_by(current_user, product),
    )
    return html, status


def product_structured_data(
    product: Product, certificate: OcopCertificate | None, rating=None
) -> dict:
    """schema.org Product for search engines: name, image, offer in VND, brand, certification,
    and the buyers' average rating when there are reviews."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": tr(product, "name"),
        "description": tr(product, "description")[:500],
        "sku": product.sku,
        "url": url_for("catalog.product_page", slug=product.slug, _external=True),
        "brand": {"@type": "Brand", "name": tr(product.shop, "name")},
        "offers": {
            "@type": "Offer",
            "price": product.price_vnd,
            "priceCurrency": "VND",
            "availability": "https://schema.org/"
            + ("InStock" if product.stock > 0 else "OutOfStock"),
            "url": url_for("catalog.product_page", slug=product.slug, _external=True),
        },
    }
    if product.images:
        data["image"] = [image_url(i.key, "lg", external=True) for i in product.images]
    if product.gtin:
        data["gtin"] = product.gtin
    if certificate is not None:
        data["hasCertification"] = {
            "@type": "Certification",
            "name": _("OCOP %(stars)s stars", stars=certificate.stars),
            "certificationIdentification": certificate.certificate_no,
            "issuedBy": {"@type": "Organization", "name": certificate.issuer},
            "validFrom": certificate.issued_on.isoformat(),
            "expires": certificate.expires_on.isoformat(),
            "certificationRating": {
                "@type": "Rating",
                "ratingValue": certificate.stars,
                "bestRating": 5,
                "worstRating": 3,
            },
            "url": url_for(
                "ocop.verify", certificate_no=certificate.certificate_no, _external=True
            ),
        }
    if rating is not None and rating.count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": rating.average,
            "reviewCount": rating.count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data
