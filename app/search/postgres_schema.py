"""The PostgreSQL search index's tables, text search configuration and locks (created by
`install()`, idempotent), and how a product becomes a row of search_documents.
"""

import sqlalchemy as sa

from app.search.documents import (
    ProductDocument,
)
from app.search.whoosh_schema import OWN, WORDS, index_fields

WRITE_LOCK = 0x43484F48  # "CHOH": the advisory lock every index writer takes
REBUILD_LOCK = 0x43484F49  # held while a rebuild runs, so writers do not wait for it
CONFIG = "chohtx_fold"
BATCH = 500

INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR word, hword, hword_part, numword, hword_numpart,
                                  asciiword, hword_asciipart, asciihword
                WITH unaccent, simple;
        END IF;
    END $$""",
    """CREATE TABLE IF NOT EXISTS search_documents (
        product_id integer PRIMARY KEY,
        text tsvector NOT NULL,
        name_vi tsvector NOT NULL,
        name_en tsvector NOT NULL,
        exact tsvector NOT NULL,
        title_vi text NOT NULL,
        title_en text NOT NULL,
        price_vnd bigint NOT NULL,
        created_ts bigint NOT NULL,
        ocop_stars smallint NOT NULL,
        ocop_expires_on date,
        province text NOT NULL,
        shop text NOT NULL,
        category text NOT NULL,
        category_parent text NOT NULL,
        own tsvector NOT NULL,
        words tsvector NOT NULL
    )""",
    # Tables made before the products' own words had columns of them (reindex fills them).
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS own tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS words tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS search_documents_text ON search_documents USING gin (text)",
    "CREATE INDEX IF NOT EXISTS search_documents_name_vi ON search_documents USING gin (name_vi)",
    "CREATE INDEX IF NOT EXISTS search_documents_name_en ON search_documents USING gin (name_en)",
    """CREATE TABLE IF NOT EXISTS search_pending (
        id bigserial PRIMARY KEY, kind char(1) NOT NULL, item_id integer NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS search_vocabulary (
        word text PRIMARY KEY, ndoc integer NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS search_vocabulary_trgm
        ON search_vocabulary USING gin (word gin_trgm_ops)""",
    """CREATE TABLE IF NOT EXISTS search_spellings (
        word text PRIMARY KEY, folded text NOT NULL, ndoc integer NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS search_spellings_folded ON search_spellings (folded)",
]
TABLES = ("search_documents", "search_pending", "search_vocabulary", "search_spellings")

UPSERT = sa.text(
    f"""INSERT INTO search_documents VALUES (
        :product_id, to_tsvector('{CONFIG}', :text), to_tsvector('{CONFIG}', :name_vi),
        to_tsvector('{CONFIG}', :name_en), to_tsvector('simple', :exact), :title_vi, :title_en,
        :price_vnd, :created_ts, :ocop_stars, :ocop_expires_on, :province, :shop, :category,
        :category_parent, to_tsvector('{CONFIG}', :own), to_tsvector('{CONFIG}', :words))
    ON CONFLICT (product_id) DO UPDATE SET
        text = excluded.text, name_vi = excluded.name_vi, name_en = excluded.name_en,
        exact = excluded.exact, title_vi = excluded.title_vi, title_en = excluded.title_en,
        price_vnd = excluded.price_vnd, created_ts = excluded.created_ts,
        ocop_stars = excluded.ocop_stars, ocop_expires_on = excluded.ocop_expires_on,
        province = excluded.province, shop = excluded.shop, category = excluded.category,
        category_parent = excluded.category_parent, own = excluded.own,
        words = excluded.words"""
)
# Document counts of a few words, recounted through the GIN indexes after a change.
RECOUNT_WORDS = sa.text(
    """INSERT INTO search_vocabulary (word, ndoc)
    SELECT w, (SELECT count(*) FROM search_documents WHERE words @@ quote_literal(w)::tsquery)
    FROM unnest(CAST(:words AS text[])) AS w
    ON CONFLICT (word) DO UPDATE SET ndoc = excluded.ndoc"""
)
RECOUNT_SPELLINGS = sa.text(
    """INSERT INTO search_spellings (word, folded, ndoc)
    SELECT w, f, (SELECT count(*) FROM search_documents WHERE exact @@ quote_literal(w)::tsquery)
    FROM unnest(CAST(:words AS text[]), CAST(:folded AS text[])) AS t(w, f)
    ON CONFLICT (word) DO UPDATE SET ndoc = excluded.ndoc"""
)
WORDS_OF = sa.text(
    """SELECT tsvector_to_array(words), tsvector_to_array(exact) FROM search_documents
    WHERE product_id = ANY(CAST(:ids AS integer[]))"""
)


def row_of(doc: ProductDocument) -> dict:
    """The values of one search_documents row, from the analysis both backends share."""
    fields = index_fields(doc)
    return {
        "product_id": doc.id,
        "text": fields["text"],
        "name_vi": fields["name_vi"],
        "name_en": fields["name_en"],
        "exact": fields["exact"],
        "title_vi": doc.name_vi,
        "title_en": doc.name_en,
        "price_vnd": doc.price_vnd,
        "created_ts": doc.created_ts,
        "ocop_stars": doc.ocop_stars,
        "ocop_expires_on": doc.ocop_expires_on,
        "province": doc.province_slug,
        "shop": doc.shop_slug,
        "category": doc.category_slug,
        "category_parent": doc.category_parent_slug,
        "own": fields[OWN],
        "words": fields[WORDS],
    }


def install(connection: sa.Connection) -> None:
    """Create the extensions, the text search configuration and the tables, if missing."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
    for statement in INSTALL:
        connection.exec_driver_sql(statement)
