"""The OpenAPI 3.1 description of API v1; tests validate real responses against its schemas."""

from app.search.documents import SORTS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}
LANG = {"type": "string", "enum": ["vi", "en"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


# Who sells (the seller information block of product and shop pages).
SELLER = {
    "legal_name": {"type": "string", "description": "Registered name of the seller."},
    "tax_code": {"type": ["string", "null"], "description": "Registration / tax code."},
    "address": {"type": "string"},
    "phone": {"type": ["string", "null"]},
    "verified_on": {
        "type": ["string", "null"],
        "format": "date",
        "description": "When Chợ HTX last verified the seller's registration data.",
    },
}

SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {**STRING, "examples": ["invalid_parameter", "not_found"]},
                    "message": STRING,
                }
            )
        },
        "Every 4xx answer.",
    ),
    "ShopSummary": _object(
        {
            "slug": STRING,
            "name": STRING,
            "province": {**STRING, "description": "Province slug, e.g. dak-lak."},
            **SELLER,
        }
    ),
    "Ocop": _object(
        {
            "stars": {"type": "integer", "minimum": 3, "maximum": 5},
            "certificate_no": STRING,
            "issuer": STRING,
            "expires_on": {"type": "string", "format": "date"},
            "verify_url": URL,
        },
        "The product's verified OCOP certificate that is valid today.",
    ),
    "Product": _object(
        {
            "id": {"type": "integer"},
            "sku": STRING,
            "slug": STRING,
            "name": {**STRING, "description": "In `lang`, or the other language if missing."},
            "description": {**STRING, "description": "In `lang`, or the other language."},
            "lang": LANG,
            "shop": _ref("ShopSummary"),
            "category": {**NULLABLE_STRING, "description": "Category slug."},
            "price_vnd": {"type": "integer", "minimum": 1, "description": "Whole đồng."},
            "currency": {"const": "VND"},
            "stock": {"type": "integer", "minimum": 0},
            "unit": STRING,
            "image": {"type": ["string", "null"], "format": "uri"},
            "ocop": {"oneOf": [{"type": "null"}, _ref("Ocop")]},
            # Label facts by code (origin, ingredients...): both languages and the label.
            "facts": {
                "type": "object",
                "additionalProperties": _object({"vi": STRING, "en": STRING, "label": STRING}),
            },
            "url": URL,
        }
    ),
    "ProductList": _object(
        {
            "items": {"type": "array", "items": _ref("Product")},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "suggestion": {
                **NULLABLE_STRING,
                "description": "A corrected query when `q` found no or few products.",
            },
        }
    ),
    "Shop": _object(
        {
            "slug": STRING,
            "name": STRING,
            "description": STRING,
            "lang": LANG,
            "province": {**STRING, "description": "Province slug."},
            **SELLER,
            "product_count": {"type": "integer", "minimum": 0},
            "image": {"type": ["string", "null"], "format": "uri"},
            "url": URL,
        }
    ),
    "ShopList": _object(
        {
            "items": {"type": "array", "items": _ref("Shop")},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
        }
    ),
    "Suggestions": _object({"suggestions": {"type": "array", "items": STRING, "maxItems": 20}}),
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


LANG_PARAM = _query("lang", {**LANG, "default": "vi"}, "Language of names and descriptions.")
PAGE_PARAMS = [
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        "Items per page, at most 100.",
    ),
]


def _answer(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


BAD_REQUEST = _answer("Error", "A parameter is invalid.")
NOT_FOUND = _answer("Error", "Not found, or not public.")
TOO_MANY = {
    **_answer("Error", "Too many requests from this address; wait as `Retry-After` says."),
    "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Chợ HTX public API",
            "version": "1.0.0",
            "description": (
                "Read-only data of the cooperative marketplace: approved products of active "
                "shops, the shops, and search suggestions. No authentication; CORS is open "
                "for GET."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/products": {
                "get": {
                    "summary": "Search or list public products",
                    "description": (
                        "With `q`, products are ranked by relevance: words match with or "
                        "without accents, in Vietnamese or English. Without `q`, newest first. "
                        "Only the first 10,000 results can be paged through; `total` counts "
                        "them all."
                    ),
                    "parameters": [
                        _query("q", STRING, "Search words; any text is accepted."),
                        LANG_PARAM,
                        _query(
                            "category",
                            STRING,
                            "Category slug; a top-level one includes its subcategories.",
                        ),
                        _query("province", STRING, "Province slug, e.g. dak-lak."),
                        _query("shop", STRING, "Shop slug."),
                        _query(
                            "ocop_stars",
                            {"type": "integer", "minimum": 3, "maximum": 5},
                            "Exactly this many OCOP stars (verified, unexpired certificate).",
                        ),
                        _query("min_price", {"type": "integer", "minimum": 0}, "In đồng."),
                        _query("max_price", {"type": "integer", "minimum": 0}, "In đồng."),
                        _query(
                            "sort",
                            {"type": "string", "enum": list(SORTS), "default": "relevance"},
                            "Order of the items.",
                        ),
                        *PAGE_PARAMS,
                    ],
                    "responses": {
                        "200": _answer("ProductList", "One page of products."),
                        "400": BAD_REQUEST,
                        "429": TOO_MANY,
                    },
                }
            },
            "/products/{id}": {
                "get": {
                    "summary": "One public product",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        LANG_PARAM,
                    ],
                    "responses": {
                        "200": _answer("Product", "The product."),
                        "400": BAD_REQUEST,
                        "404": NOT_FOUND,
                    },
                }
            },
            "/shops": {
                "get": {
                    "summary": "Active cooperative shops, by name",
                    "parameters": [
                        LANG_PARAM,
                        _query("province", STRING, "Province slug."),
                        *PAGE_PARAMS,
                    ],
                    "responses": {
                        "200": _answer("ShopList", "One page of shops."),
                        "400": BAD_REQUEST,
                    },
                }
            },
            "/shops/{slug}": {
                "get": {
                    "summary": "One active shop",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": STRING},
                        LANG_PARAM,
                    ],
                    "responses": {
                        "200": _answer("Shop", "The shop."),
                        "400": BAD_REQUEST,
                        "404": NOT_FOUND,
                    },
                }
            },
            "/suggest": {
                "get": {
                    "summary": "Autocomplete for a search box",
                    "description": "Product names completing `q`, the last word as a prefix.",
                    "parameters": [
                        _query("q", STRING, "What has been typed so far."),
                        LANG_PARAM,
                        _query(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": 20, "default": 8},
                            "At most this many suggestions.",
                        ),
                    ],
                    "responses": {
                        "200": _answer("Suggestions", "Suggestions, best first."),
                        "400": BAD_REQUEST,
                        "429": TOO_MANY,
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
