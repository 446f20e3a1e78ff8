"""The JSON shapes of API v1 (docs/contracts.md, "Public JSON API v1"); openapi.py describes them."""

from flask import url_for

from app.catalog.facts import fact_label, ordered_facts
from app.i18n import localized
from app.media import image_url
from app.models import Product, Shop
from app.models.base import VIETNAM
from app.ocop.services import valid_certificate


def _text(obj, field: str, lang: str) -> str:
    return localized(obj, field, lang)[0]


def ocop_json(product: Product, lang: str) -> dict | None:
    """The certificate valid today (app.ocop.services decides which), or None."""
    best = valid_certificate(product)
    if best is None:
        return None
    return {
        "stars": best.stars,
        "certificate_no": best.certificate_no,
        "issuer": best.issuer,
        "expires_on": best.expires_on.isoformat(),
        "verify_url": url_for(
            "ocop.verify", lang_code=lang, certificate_no=best.certificate_no, _external=True
        ),
    }


def product_json(product: Product, lang: str) -> dict:
    cover = product.cover
    return {
        "id": product.id,
        "sku": product.sku,
        "slug": product.slug,
        "name": _text(product, "name", lang),
        "description": _text(product, "description", lang),
        "lang": lang,
        "shop": {
            "slug": product.shop.slug,
            "name": _text(product.shop, "name", lang),
            "province": product.shop.province.slug,
            **seller_json(product.shop),
        },
        "category": product.category.slug if product.category else None,
        "price_vnd": product.price_vnd,
        "currency": "VND",
        "stock": product.stock,
        "unit": _text(product, "unit", lang),
        "image": image_url(cover.key, "md", external=True) if cover else None,
        "ocop": ocop_json(product, lang),
        "facts": {
            code: {"vi": values["vi"], "en": values["en"], "label": fact_label(code)}
            for code, values in ordered_facts(product)
        },
        "url": url_for("catalog.product_page", lang_code=lang, slug=product.slug, _external=True),
    }


def seller_json(shop: Shop) -> dict:
    """Who sells, as the seller information block shows it (DESIGN.md, "Trading-floor")."""
    return {
        "legal_name": shop.registered_name,
        "tax_code": shop.tax_code,
        "address": shop.full_address,
        "phone": shop.phone or None,
        "verified_on": shop.verified_at.astimezone(VIETNAM).date().isoformat()
        if shop.verified_at
        else None,
    }


def shop_json(shop: Shop, lang: str, product_count: int) -> dict:
    return {
        **seller_json(shop),
        "slug": shop.slug,
        "name": _text(shop, "name", lang),
        "description": _text(shop, "description", lang),
        "lang": lang,
        "province": shop.province.slug,
        "product_count": product_count,
        "image": image_url(shop.logo_key, "md", external=True) if shop.logo_key else None,
        "url": url_for("shops.shop_page", lang_code=lang, slug=shop.slug, _external=True),
    }
