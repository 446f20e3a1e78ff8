"""The OCOP badge feed (docs/contracts.md, "OCOP feeds and badges"): JSON Feed 1.1, Atom 1.0 and badges.

Outside sites and aggregators read these, so their shapes are a contract. Both feeds hold one
item per public product with a certificate valid today, newest verification first.
"""

import hashlib
import json
from datetime import UTC, datetime

from flask import Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, NotFound

from app.i18n import localized
from app.media import image_url
from app.models import OcopCertificate, Product
from app.ocop import feeds_bp, services
from app.shops.services import find_province

FEED_MAX_AGE = 300  # seconds: aggregators poll; certificates change rarely
BADGE_MAX_AGE = 3600
ATOM_NAMESPACE = "https://chohtx.vn/ns/ocop/1.0"


def _feed_args() -> dict:
    lang = request.args.get("lang", "vi")
    if lang not in current_app.config["LANGUAGES"]:
        raise BadRequest(f"lang must be one of {', '.join(current_app.config['LANGUAGES'])}")
    stars_text = request.args.get("stars", "")
    if stars_text and stars_text not in ("3", "4", "5"):
        raise BadRequest("stars must be 3, 4 or 5")
    province = request.args.get("province", "")
    known = find_province(province) if province else None
    if province and (known is None or known.slug != province):
        raise BadRequest(f"unknown province {province!r}: use its slug, e.g. dak-lak")
    return {"lang": lang, "stars": int(stars_text) if stars_text else None, "province": province}


def _ocop_fields(certificate: OcopCertificate, lang: str) -> dict:
    """The `_ocop` object of an item; the Atom entry carries the same under ATOM_NAMESPACE."""
    return {
        "stars": certificate.stars,
        "certificate_no": certificate.certificate_no,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
        "product_group": certificate.product_group,
        "badge": url_for(
            "ocop_feeds.badge", certificate_no=certificate.certificate_no, _external=True
        ),
        "verify_url": url_for(
            "ocop.verify", lang_code=lang, certificate_no=certificate.certificate_no, _external=True
        ),
    }


def rfc3339(stamp: datetime) -> str:
    return stamp.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _item(product: Product, certificate: OcopCertificate, lang: str) -> dict:
    shop = product.shop
    ocop = _ocop_fields(certificate, lang)
    published = certificate.verified_at or certificate.created_at
    modified = max(published, certificate.updated_at, product.updated_at)
    item = {
        "id": ocop["verify_url"],
        "url": url_for("catalog.product_page", lang_code=lang, slug=product.slug, _external=True),
        "title": localized(product, "name", lang)[0],
        "content_text": localized(product, "description", lang)[0],
        "summary": _(
            "%(stars)s-star OCOP product of %(shop)s, %(province)s",
            stars=certificate.stars,
            shop=localized(shop, "name", lang)[0],
            province=localized(shop.province, "name", lang)[0],
        ),
        "date_published": rfc3339(published),
        "date_modified": rfc3339(modified),
        "authors": [
            {
                "name": localized(shop, "name", lang)[0],
                "url": url_for("shops.shop_page", lang_code=lang, slug=shop.slug, _external=True),
            }
        ],
        "tags": [tag for tag in ("ocop", certificate.product_group, shop.province.slug) if tag],
        "language": lang,
        "_ocop": ocop,
    }
    if product.cover is not None:
        item["image"] = image_url(product.cover.key, "lg", external=True)
    return item


def _items(args: dict) -> list[dict]:
    pairs = services.certified_products(province=args["province"] or None, stars=args["stars"])
    return [_item(product, certificate, args["lang"]) for product, certificate in pairs]


def _feed_urls(lang: str) -> dict:
    query = {k: v for k, v in request.args.items() if k in ("lang", "province", "stars")}
    return {
        "home": url_for("ocop.certified", lang_code=lang, _external=True),
        "json": url_for("ocop_feeds.feed_json", _external=True, **query),
        "atom": url_for("ocop_feeds.feed_atom", _external=True, **query),
    }


def _conditional(body: bytes, mimetype: str, max_age: int, last_modified=None) -> Response:
    """ETag and Last-Modified on the response, and a 304 when the client has it already."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


@feeds_bp.route("/ocop/feed.json")
def feed_json():
    args = _feed_args()
    lang = args["lang"]
    urls = _feed_urls(lang)
    with force_locale(lang):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": _("Chợ HTX: OCOP certified products"),
            "home_page_url": urls["home"],
            "feed_url": urls["json"],
            "description": _(
                "Products of Vietnamese cooperatives with a verified, unexpired OCOP "
                "certificate, newest first."
            ),
            "language": lang,
            "authors": [
                {"name": "Chợ HTX", "url": url_for("main.home", lang_code=lang, _external=True)}
            ],
            "items": _items(args),
        }
    body = json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")
    return _conditional(body, "application/feed+json", FEED_MAX_AGE, services.feed_last_modified())


@feeds_bp.route("/ocop/feed.atom")
def feed_atom():
    args = _feed_args()
    lang = args["lang"]
    last_modified = services.feed_last_modified()
    with force_locale(lang):
        items = _items(args)
        body = render_template(
            "ocop/feed.atom.xml",
            items=items,
            lang=lang,
            urls=_feed_urls(lang),
            updated=rfc3339(last_modified),
            namespace=ATOM_NAMESPACE,
        )
    return _conditional(body.encode("utf-8"), "application/atom+xml", FEED_MAX_AGE, last_modified)


@feeds_bp.route("/ocop/badge/<path:certificate_no>.svg")
def badge(certificate_no: str):
    """The embeddable badge; an expired or revoked certificate is drawn as such."""
    certificate = services.public_certificate(certificate_no)
    if certificate is None:
        raise NotFound()
    lang = request.args.get("lang", "vi")
    lang = lang if lang in current_app.config["LANGUAGES"] else "vi"
    with force_locale(lang):
        body = render_template(
            "ocop/badge.svg",
            certificate=certificate,
            state=services.certificate_state(certificate),
        )
    return _conditional(body.encode("utf-8"), "image/svg+xml", BADGE_MAX_AGE)
