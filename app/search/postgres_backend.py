"""The PostgreSQL full-text backend (SEARCH_BACKEND=postgres): the search index lives in tables.

The same analysis as the Whoosh backend (app.search.analysis: NFC, app.text.fold, canonical
tone placement, English stems of English words) prepares every term in Python; PostgreSQL
stores them as tsvectors through the `chohtx_fold` text search configuration (the `unaccent`
dictionary, then `simple`), so anything the Python folding let through is folded the same way
on both sides. Tables, created by `install()` (CREATE ... IF NOT EXISTS, idempotent):

    search_documents   one row per public product: tsvectors (text, name_vi, name_en, exact),
                       titles, and the values that filters, facets and sorting read
    search_pending     journal of changed product/shop ids, drained by whoever writes next
    search_vocabulary  folded words with their document counts (pg_trgm index): did you mean
    search_spellings   accented words by folded form, to spell a suggestion with accents

Writers serialise on one advisory lock and re-read each journaled product from the database,
so the index ends with the latest committed state whatever the order of the transactions.
Readers never wait: a rebuild replaces the rows in one transaction, and until it commits
every query sees the old rows (MVCC).
"""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models.base import vietnam_today
from app.search import analysis
from app.search.documents import (
    FACETS,
    PRICE_BANDS,
    SearchFilters,
    SearchResult,
)
from app.search.postgres_schema import CONFIG, TABLES, install
from app.search.postgres_writing import TableWriting
from app.search.spelling import best_correction, corrected_query
from app.search.whoosh_backend import (
    EXACT_BOOST,
    FEW_HITS,
    OTHER_NAME_BOOST,
    OWN_NAME_BOOST,
    OWN_WORDS_BOOST,
    RESULT_WINDOW,
)

SIMILARITY = 0.2  # pg_trgm threshold for did-you-mean candidates of longer words
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"

STARS = "CASE WHEN ocop_stars > 0 AND ocop_expires_on >= :today THEN ocop_stars ELSE 0 END"
SORT_ORDERS = {
    "price_asc": "price_vnd, created_ts DESC, product_id DESC",
    "price_desc": "price_vnd DESC, created_ts DESC, product_id DESC",
    "ocop": f"{STARS} DESC, created_ts DESC, product_id DESC",
}
NEWEST = "created_ts DESC, product_id DESC"


def _edit_variants(word: str) -> set[str]:
    """Every word one deletion, swap, change or insertion away (folded words are ASCII)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    found |= {a + c + b for a, b in splits for c in LETTERS}
    return found


class Query:
    """The SQL condition and the parameters of one search (words and filters)."""

    def __init__(self, words: list[analysis.QueryWord], filters: SearchFilters, today: date):
        self.params: dict = {"today": today}
        self.conditions: list[str] = []
        self.words = words
        every_word = []
        for i, word in enumerate(words):
            self.params[f"f{i}"] = word.folded
            term = f"plainto_tsquery('{CONFIG}', :f{i})"
            if word.stemmed:
                self.params[f"s{i}"] = word.stemmed
                term = f"({term} || plainto_tsquery('{CONFIG}', :s{i}))"
            every_word.append(term)
        if every_word:  # one tsquery, so each row's tsvector is read once
            self.conditions.append(f"text @@ ({' && '.join(every_word)})")
        for facet, column in (("province", "province"), ("shop", "shop")):
            value = getattr(filters, facet)
            if value not in (None, ""):
                self.params[facet] = value
                self.conditions.append(f"{column} = :{facet}")
        if filters.category not in (None, ""):
            self.params["category"] = filters.category
            self.conditions.append("(category = :category OR category_parent = :category)")
        if filters.ocop_stars not in (None, ""):
            self.params["stars"] = int(filters.ocop_stars)
            self.conditions.append(f"{STARS} = :stars")
        if filters.min_price is not None:
            self.params["min_price"] = filters.min_price
            self.conditions.append("price_vnd >= :min_price")
        if filters.max_price is not None:
            self.params["max_price"] = filters.max_price
            self.conditions.append("price_vnd <= :max_price")

    @property
    def where(self) -> str:
        return " AND ".join(self.conditions) or "TRUE"

    def score(self, lang: str) -> str:
        """Relevance: every word in the text, more for names (page language first), accents."""
        other = "en" if lang == "vi" else "vi"
        any_word, exact = [], []
        for i, word in enumerate(self.words):
            any_word.append(f"plainto_tsquery('{CONFIG}', :f{i})")
            if word.stemmed:
                any_word.append(f"plainto_tsquery('{CONFIG}', :s{i})")
            if word.exact:
                self.params[f"e{i}"] = word.exact
                exact.append(f"plainto_tsquery('simple', :e{i})")
        either = "(" + " || ".join(any_word) + ")"
        parts = [
            f"ts_rank(text, {either}, 1)",
            f"{OWN_NAME_BOOST} * ts_rank(name_{lang}, {either}, 1)",
            f"{OTHER_NAME_BOOST} * ts_rank(name_{other}, {either}, 1)",
        ]
        if exact:
            parts.append(f"{EXACT_BOOST} * ts_rank(exact, ({' || '.join(exact)}))")
        parts.append(f"{OWN_WORDS_BOOST} * ts_rank(own, {either}, 1)")
        return " + ".join(parts)


class PostgresBackend(TableWriting):
    """PostgreSQL full text behind the search interface; one instance per app and process."""

    def __init__(self, write_timeout: float = 2.0):
        self.write_timeout = write_timeout
        self._installed_on: set[str] = set()

    def _engine(self) -> sa.Engine:
        engine = db.engine
        key = engine.url.render_as_string(hide_password=True)
        if key not in self._installed_on:
            if engine.dialect.name != "postgresql":
                raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL.")
            with engine.begin() as connection:
                if not self._tables_exist(connection):
                    install(connection)
            self._installed_on.add(key)
        return engine

    @staticmethod
    def _tables_exist(connection: sa.Connection) -> bool:
        found = connection.execute(
            sa.text("SELECT count(*) FROM pg_tables WHERE tablename = ANY(:names)"),
            {"names": list(TABLES)},
        ).scalar()
        has_config = connection.execute(
            sa.text("SELECT count(*) FROM pg_ts_config WHERE cfgname = :name"), {"name": CONFIG}
        ).scalar()
        has_words = connection.execute(
            sa.text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'search_documents' AND column_name = 'words'"
            )
        ).scalar()
        return found == len(TABLES) and has_config == 1 and has_words == 1

    # --- reading -------------------------------------------------------------------------

    def search(
        self,
        text: str | None,
        lang: str = "vi",
        filters: SearchFilters | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
        facets: bool = True,
        suggest: bool = True,
    ) -> SearchResult:
        words = analysis.query_words(text)
        filters = filters or SearchFilters()
        query = Query(words, filters, vietnam_today())
        with self._engine().connect() as connection:
            counts = self._facet_counts(connection, query) if facets else None
            if counts is not None:  # every document has one province: no second scan
                total = sum(n for _, n in counts["province"])
            else:
                total = self._count(connection, query)
            limit = page * per_page
            ids: list[int] = []
            if total and (page - 1) * per_page < total and limit <= RESULT_WINDOW:
                if sort == "relevance" and words:
                    order = f"{query.score(lang)} DESC, product_id DESC"
                else:
                    order = SORT_ORDERS.get(sort, NEWEST)
                ids = list(
                    connection.execute(
                        sa.text(
                            f"SELECT product_id FROM search_documents WHERE {query.where} "
                            f"ORDER BY {order} LIMIT :limit OFFSET :offset"
                        ),
                        {**query.params, "limit": per_page, "offset": (page - 1) * per_page},
                    ).scalars()
                )
            result = SearchResult(
                ids=ids,
                total=total,
                page=page,
                per_page=per_page,
                query=" ".join(w.text for w in words),
            )
            if counts is not None:
                result.facets = counts
            if suggest and words and total <= FEW_HITS:
                result.suggestion = self._suggestion(connection, words, text or "", filters, total)
        return result

    @staticmethod
    def _count(connection, query: Query) -> int:
        return connection.execute(
            sa.text(f"SELECT count(*) FROM search_documents WHERE {query.where}"), query.params
        ).scalar()

    @staticmethod
    def _facet_counts(connection, query: Query) -> dict[str, list[tuple[str | int, int]]]:
        bands = " ".join(
            f"WHEN price_vnd <= {high} THEN '{key}'" for key, _, high in PRICE_BANDS if high
        )
        last_band = PRICE_BANDS[-1][0]
        rows = connection.execute(
            sa.text(
                f"""WITH m AS (
                    SELECT category, category_parent, province, shop, {STARS} AS stars,
                           CASE {bands} ELSE '{last_band}' END AS band
                    FROM search_documents WHERE {query.where})
                SELECT 'category', category, count(*) FROM m GROUP BY category
                UNION ALL SELECT 'category', category_parent, count(*) FROM m
                    WHERE category_parent <> category GROUP BY category_parent
                UNION ALL SELECT 'province', province, count(*) FROM m GROUP BY province
                UNION ALL SELECT 'shop', shop, count(*) FROM m GROUP BY shop
                UNION ALL SELECT 'ocop_stars', stars::text, count(*) FROM m GROUP BY stars
                UNION ALL SELECT 'price_band', band, count(*) FROM m GROUP BY band"""
            ),
            query.params,
        )
        counters: dict[str, dict] = {facet: {} for facet in FACETS}
        for facet, value, count in rows:
            value = int(value) if facet == "ocop_stars" else value
            counters[facet][value] = counters[facet].get(value, 0) + count
        counters["category"].pop("", None)
        counters["ocop_stars"].pop(0, None)
        keys = [key for key, _, _ in PRICE_BANDS]
        ordered = {}
        for facet, counter in counters.items():
            if facet == "price_band":
                ordered[facet] = [(k, counter[k]) for k in keys if counter.get(k)]
            elif facet == "ocop_stars":
                ordered[facet] = sorted(counter.items(), reverse=True)
            else:
                ordered[facet] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return ordered

    def _suggestion(self, connection, words, text: str, filters, total: int) -> str | None:
        """A corrected query from the products' own vocabulary, if it finds more."""

        def frequencies(wanted):
            return dict(
                connection.execute(
                    sa.text(
                        "SELECT word, ndoc FROM search_vocabulary "
                        "WHERE word = ANY(CAST(:words AS text[]))"
                    ),
                    {"words": sorted(wanted)},
                ).all()
            )

        folded = [w.folded for w in words]
        searchable = {
            word: connection.execute(
                sa.text(
                    "SELECT count(*) FROM search_documents "
                    f"WHERE text @@ plainto_tsquery('{CONFIG}', :word)"
                ),
                {"word": word},
            ).scalar()
            for word in folded
        }
        corrected = corrected_query(
            folded,
            frequencies,
            searchable,
            lambda word, frequency: self._correction(connection, word, frequency),
        )
        if corrected is None:
            return None
        if not text.isascii():  # accents typed: spell the suggestion with accents too
            typed = {w.folded: w.text for w in words}
            spelled = []
            for word in corrected:
                found = (
                    typed.get(word)
                    or connection.execute(
                        sa.text(
                            "SELECT word FROM search_spellings WHERE folded = :folded AND ndoc > 0 "
                            "ORDER BY ndoc DESC, word LIMIT 1"
                        ),
                        {"folded": word},
                    ).scalar()
                )
                spelled.append(found or word)
            corrected = spelled
        suggestion = " ".join(corrected)
        found = self._count(
            connection, Query(analysis.query_words(suggestion), filters, vietnam_today())
        )
        return suggestion if found > total else None

    @staticmethod
    def _correction(connection, word: str, frequency: int) -> str | None:
        """A near product word, much commoner (best_correction's rule, as the Whoosh one)."""
        limit = 1 if len(word) <= 4 else 2
        candidates = dict(
            connection.execute(
                sa.text(
                    "SELECT word, ndoc FROM search_vocabulary "
                    "WHERE word = ANY(CAST(:variants AS text[])) AND ndoc > 0"
                ),
                {"variants": sorted(_edit_variants(word))},
            ).all()
        )
        if limit > 1:
            connection.execute(
                sa.text("SELECT set_config('pg_trgm.similarity_threshold', :value, true)"),
                {"value": str(SIMILARITY)},
            )
            candidates.update(
                connection.execute(
                    sa.text(
                        "SELECT word, ndoc FROM search_vocabulary WHERE word % :word AND ndoc > 0 "
                        "ORDER BY similarity(word, :word) DESC LIMIT 200"
                    ),
                    {"word": word},
                ).all()
            )
        return best_correction(word, candidates, frequency, limit, skip_digits=True)

    def suggest(self, prefix: str | None, lang: str = "vi", limit: int = 8) -> list[str]:
        """Product names for the search box: every word typed, the last one as a prefix."""
        words = analysis.query_words(prefix)
        if not words or (len(words) == 1 and len(words[-1].folded) < 2):
            return []
        other = "en" if lang == "vi" else "vi"
        params: dict = {"limit": limit * 6}
        parts = []
        for i, word in enumerate(words):
            params[f"w{i}"] = word.folded
            parts.append(f"quote_literal(:w{i})")
        params["last"] = words[-1].folded
        complete = " || ' & ' || ".join(parts[:-1]) if len(parts) > 1 else None
        prefix_query = f"to_tsquery('{CONFIG}', quote_literal(:last) || ':*')"
        tsquery = (
            f"(to_tsquery('{CONFIG}', {complete}) && {prefix_query})" if complete else prefix_query
        )
        exact_last = (
            f"name_vi @@ plainto_tsquery('{CONFIG}', :last) "
            f"OR name_en @@ plainto_tsquery('{CONFIG}', :last)"
        )
        with self._engine().connect() as connection:
            rows = connection.execute(
                sa.text(
                    f"""SELECT title_vi, title_en FROM search_documents
                    WHERE name_vi @@ {tsquery} OR name_en @@ {tsquery}
                    ORDER BY ({exact_last}) DESC,
                        {OWN_NAME_BOOST} * ts_rank(name_{lang}, {tsquery})
                        + {OTHER_NAME_BOOST} * ts_rank(name_{other}, {tsquery}) DESC,
                        product_id DESC
                    LIMIT :limit"""
                ),
                params,
            ).all()
        names, seen = [], set()
        for title_vi, title_en in rows:
            name = (title_vi, title_en)[lang == "en"] or (title_en, title_vi)[lang == "en"] or ""
            key = " ".join(analysis.folded_terms(name))
            if name and key not in seen:
                seen.add(key)
                names.append((key, name))
        typed = " ".join(w.folded for w in words)
        names.sort(key=lambda item: not item[0].startswith(typed))
        return [name for _, name in names[:limit]]

    def doc_count(self) -> int:
        with self._engine().connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM search_documents")).scalar()

    def check(self) -> bool:
        try:
            self.doc_count()
        except Exception:  # any failure to reach or read the tables means search is down
            return False
        return True

    def forget_reader(self) -> None:
        """Nothing kept between searches: each one asks the database."""
