"""The Whoosh backend: the one module that knows the schema, the writer and the queries.

Layout of SEARCH_INDEX_DIR:

    CURRENT          name of the live index directory (replaced atomically by a rebuild)
    index-.../       Whoosh indexes: the live one, and the previous one for slow readers
    pending/         journal of changed product/shop ids, one small file per transaction
    write.lock       the single-writer lock shared by every process (flock)
    reindexing       present while a rebuild holds the lock

Writing. No update is lost between gunicorn workers: a transaction first journals the ids
it changed, then whoever holds the write lock drains the whole journal, re-reading each
product from the database, so the index ends with the latest committed state whatever the
order. After releasing the lock a writer looks at the journal again, so a change journaled
while the lock was busy is always drained by somebody.

Reading. One searcher per process, replaced when a commit or a rebuild changed the index.
Every query word must match the folded `text` field. A term's documents in a segment are
read from its posting list a block at a time and kept as a bitmap (app.search.docsets), so
matching, filters and facet counts are C-level bit operations, and the bitmaps of common
words stay cached. Only then are the best few hundred matches ranked, with Whoosh's BM25
formula over the same postings, adding boosts for names in the page language and for
accents typed exactly.
"""

import heapq
import math
import os
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime
from itertools import islice
from operator import itemgetter
from pathlib import Path

from whoosh import index

from app.models.base import vietnam_today
from app.search import analysis, docsets
from app.search.documents import (
    FACETS,
    PRICE_BANDS,
    SearchFilters,
    SearchResult,
)
from app.search.spelling import best_correction, corrected_query
from app.search.whoosh_schema import OWN, make_schema
from app.search.whoosh_segments import SegmentFacts, SegmentView, Snapshot, TermSetCache
from app.search.whoosh_writing import JournaledWriting

FEW_HITS = 2  # at most this many hits and a query gets a "did you mean"
OWN_NAME_BOOST = 3.0  # a word in the product name, in the page's language
OTHER_NAME_BOOST = 1.5  # ... in the other language
EXACT_BOOST = 2.0  # the accents typed are the accents written: "mắm" over "mâm"
# A word in the product's own name or description, not only in its shop's, category's or
# province's name: shop names must not drown the products that are what was asked for.
OWN_WORDS_BOOST = 2.0
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
# Ranking every match of a broad query costs time for nothing (see _candidates).
RANK_LIMIT = 1000
RESULT_WINDOW = 10_000  # pages past the first 10,000 results come back empty
TERM_SETS_CACHE_BYTES = 48 * 2**20  # document sets of recent terms kept per process
MANY_VALUES = 64  # facets with more values (shops) are counted document by document
MAX_EXPANSIONS = 24  # autocomplete: completions tried for the last word
MAX_PREFIX_TERMS = 300  # ... out of at most this many terms starting with it


class WhooshBackend(JournaledWriting):
    """Whoosh behind the search interface; one instance per app and process."""

    def __init__(self, root: str | os.PathLike, write_timeout: float = 2.0):
        self.root = Path(root)
        self.write_timeout = write_timeout
        self.schema = make_schema()
        self._read_lock = threading.RLock()
        self._pointer: str | None = None
        self._index = None
        self._searcher = None
        self._stamp: tuple | None = None
        self._facts: dict[tuple, SegmentFacts] = {}
        self._term_sets = TermSetCache(TERM_SETS_CACHE_BYTES)

    # --- layout --------------------------------------------------------------------------

    @property
    def pending_dir(self) -> Path:
        return self.root / "pending"

    def _current_name(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    def _set_current(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}"
        tmp.write_text(name)
        os.replace(tmp, self.root / "CURRENT")

    def _new_index_dir(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        path = self.root / f"index-{stamp}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True)
        return path

    def ensure_index(self) -> None:
        """Create an empty index on first use (under the write lock: workers may race)."""
        if self._current_name() is not None:
            return
        with self._write_lock(timeout=30) as locked:
            if locked:
                self._create_if_missing()

    def _create_if_missing(self) -> None:
        # Only with the write lock held.
        if self._current_name() is None:
            path = self._new_index_dir()
            index.create_in(str(path), self.schema)
            self._set_current(path.name)

    def _open_current(self):
        self.ensure_index()
        name = self._current_name()
        return name, index.open_dir(str(self.root / name))

    def _open_for_writing(self):
        # Only with the write lock held: a rebuild may have swapped the index meanwhile.
        self._create_if_missing()
        return index.open_dir(str(self.root / self._current_name()))

    # --- reading -------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        """The process's searcher, refreshed when another commit or a rebuild happened."""
        name = self._current_name()
        stamp = self._files_stamp(name)
        if self._searcher is None or name != self._pointer or stamp != self._stamp:
            self._close_searcher()
            self._pointer, self._index = self._open_current()
            self._searcher = self._index.searcher()
            self._stamp = self._files_stamp(self._pointer)
        elif not self._searcher.up_to_date():
            # A new searcher, not searcher.refresh(): Whoosh's refresh reuses the reader of
            # a segment it has seen before, with that segment's old deletions.
            self._close_searcher()
            self._searcher = self._index.searcher()
        today = vietnam_today()
        segments, keep = [], {}
        for reader, offset in self._searcher.reader().leaf_readers():
            if reader.segment() is None:  # an empty index has no segment
                continue
            key = (self._pointer, reader.segment().segment_id())
            facts = self._facts.get((*key, today)) or SegmentFacts(reader, today)
            keep[(*key, today)] = facts
            segments.append(SegmentView(facts, reader, offset, key, self._term_sets))
        self._facts = keep
        return Snapshot(self._searcher, segments)

    def _files_stamp(self, name: str | None) -> tuple | None:
        """Names, sizes and times of the live index's files: a file replaced or damaged
        under this process's searcher (which would go on answering from what it holds)
        makes it open the index again, and fail plainly if the index is broken."""
        if name is None:
            return None
        try:
            with os.scandir(self.root / name) as entries:
                return tuple(
                    sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries)
                )
        except FileNotFoundError:
            return None

    def _close_searcher(self) -> None:
        # Safe: searchers are only used under the read lock, which the caller holds.
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

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
        with self._read_lock:
            snapshot = self._snapshot()
            matched = [(view, self._matching(view, words, filters)) for view in snapshot.segments]
            total = sum(bits.bit_count() for _, bits in matched)
            limit = page * per_page
            if not total or (page - 1) * per_page >= total or limit > RESULT_WINDOW:
                ranked = []
            elif sort == "relevance" and words:
                ranked = self._ranked(snapshot, matched, self._scoring_terms(words, lang), limit)
            else:
                ranked = self._sorted(matched, sort, limit)
            result = SearchResult(
                ids=[snapshot.product_id(d) for d in ranked[(page - 1) * per_page : limit]],
                total=total,
                page=page,
                per_page=per_page,
                query=" ".join(w.text for w in words),
            )
            if facets:
                result.facets = self._facet_counts(matched)
            if suggest and words and total <= FEW_HITS:
                result.suggestion = self._suggestion(snapshot, words, text or "", filters, total)
        return result

    def _matching(
        self, view: SegmentView, words: list[analysis.QueryWord], filters: SearchFilters
    ) -> int:
        """The live documents of a segment matching every word and every filter."""
        docs = view.live
        for facet in ("category", "province", "shop", "ocop_stars"):
            value = getattr(filters, facet)
            if value not in (None, ""):
                docs &= view.value_bits(facet, value)
        if filters.shops is not None:
            any_shop = 0
            for slug in filters.shops:
                any_shop |= view.value_bits("shop", slug)
            docs &= any_shop
        low, high = filters.min_price, filters.max_price
        if docs and (low is not None or high is not None):
            docs &= view.facts.price_bits(low or 0, math.inf if high is None else high)
        for word in words:
            if not docs:
                break
            found = view.term_bits("text", word.folded)
            if word.stemmed:
                found |= view.term_bits("text", word.stemmed)
            docs &= found
        return docs

    @staticmethod
    def _scoring_terms(words, lang: str) -> tuple[list, list]:
        """(field, term, boost, word number) to rank by: what must match, and boosts."""
        other = "en" if lang == "vi" else "vi"
        boost = {lang: OWN_NAME_BOOST, other: OTHER_NAME_BOOST}
        required, boosts = [], []
        for i, word in enumerate(words):
            required.append(("text", word.folded, 1.0, i))
            boosts.append((f"name_{lang}", word.folded, OWN_NAME_BOOST, i))
            boosts.append((f"name_{other}", word.folded, OTHER_NAME_BOOST, i))
            if word.stemmed:
                required.append(("text", word.stemmed, 1.0, i))
                boosts.append(("name_en", word.stemmed, boost["en"], i))
            if word.exact:
                boosts.append(("exact", word.exact, EXACT_BOOST, i))
            boosts.append((OWN, word.folded, OWN_WORDS_BOOST, i))
            if word.stemmed:
                boosts.append((OWN, word.stemmed, OWN_WORDS_BOOST, i))
        return required, boosts

    @staticmethod
    def _candidates(view: SegmentView, docs: int, boosts, limit: int) -> list[int]:
        """The matches worth ranking: all of them, or for a broad query the best thousand.

        Products with more of the words in their names come first (what the boosts reward
        most), then the newest; so a query matching half the catalogue ranks a thousand
        documents, not fifty thousand.
        """
        budget = max(RANK_LIMIT, limit)
        if docs.bit_count() <= budget:
            return docsets.docs_of(docs, view.facts.universe)
        named: dict[int, int] = {}
        for fieldname, term, _, i in boosts:
            if fieldname != OWN:
                named[i] = named.get(i, 0) | view.term_bits(fieldname, term)
        # at_least[k]: the matches with at least k of the words in their names.
        at_least = [docs] + [0] * len(named)
        for bits in named.values():
            for k in range(len(named), 0, -1):
                at_least[k] |= at_least[k - 1] & bits
        chosen: list[int] = []
        for k in range(len(named), -1, -1):
            tier = at_least[k] & ~at_least[k + 1] if k < len(named) else at_least[k]
            chosen.extend(docsets.highest_docs(tier, budget - len(chosen)))
            if len(chosen) >= budget:
                break
        return chosen

    def _ranked(self, snapshot: Snapshot, matched, terms, limit: int) -> list[int]:
        """Global document numbers of the best `limit` matches, by BM25 with boosts.

        Whoosh's BM25 formula with its defaults, counting a word once per field: product
        texts are short, and repeating a word should not buy a better rank.
        """
        required, boosts = terms
        by_word = Counter(i for _, _, _, i in required)
        scored: list[tuple[float, int]] = []
        for view, docs in matched:
            if not docs:
                continue
            candidates = self._candidates(view, docs, boosts, limit)
            candidate_bits = docsets.bits_of(candidates, view.count)
            scores = dict.fromkeys(candidates, 0.0)
            for fieldname, term, weight, i in required + boosts:
                lengths = view.facts.lengths[fieldname]
                factor = weight * snapshot.idf(fieldname, term) * (K1 + 1)
                base = 1 + K1 * (1 - B)
                per_length = K1 * B / snapshot.average_length(fieldname)
                if fieldname == "text" and by_word[i] == 1:
                    having = candidates  # every match has each word that has no stem
                else:
                    having = docsets.docs_of(
                        view.term_bits(fieldname, term) & candidate_bits, view.facts.universe
                    )
                for d in having:
                    scores[d] += factor / (base + per_length * lengths[d])
            offset = view.offset
            best = heapq.nlargest(limit, scores.items(), key=itemgetter(1))
            scored.extend((score, offset + d) for d, score in best)
        # Higher score first; equal scores go to the newer document.
        scored.sort(key=lambda item: (-item[0], -item[1]))
        return [docnum for _, docnum in scored[:limit]]

    @staticmethod
    def _sorted(matched, sort: str, limit: int) -> list[int]:
        """Global document numbers of the first `limit` matches in a sort order."""
        keyed = []
        for view, docs in matched:
            facts, offset = view.facts, view.offset
            if docs.bit_count() * 16 < view.count:
                members = docsets.docs_of(docs, facts.universe)
                chosen = heapq.nsmallest(limit, members, key=lambda d: facts.sort_key(sort, d))
            else:
                # Most documents match: walk the presorted order until the page is full.
                member = docsets.membership(docs, view.count)
                chosen = list(islice((d for d in facts.order(sort) if member[d] == "1"), limit))
            keyed.extend((facts.sort_key(sort, d), -(offset + d), offset + d) for d in chosen)
        keyed.sort()
        return [docnum for _, _, docnum in keyed[:limit]]

    @staticmethod
    def _facet_counts(matched) -> dict[str, list[tuple[str | int, int]]]:
        counters = {facet: Counter() for facet in FACETS}
        for view, docs in matched:
            if not docs:
                continue
            for facet in FACETS:
                groups = view.facts.groups(facet)
                if len(groups) <= MANY_VALUES:
                    for value in groups:
                        n = (docs & view.value_bits(facet, value)).bit_count()
                        if n:
                            counters[facet][value] += n
                else:
                    members = docsets.docs_of(docs, view.facts.universe)
                    counters[facet].update(map(view.facts.values_of(facet).__getitem__, members))
        counters["category"].pop("", None)
        counters["ocop_stars"].pop(0, None)
        keys = [key for key, _, _ in PRICE_BANDS]
        ordered = {}
        for facet, counter in counters.items():
            if facet == "price_band":
                ordered[facet] = [(k, counter[k]) for k in keys if counter[k]]
            elif facet == "ocop_stars":
                ordered[facet] = sorted(counter.items(), reverse=True)
            else:
                ordered[facet] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return ordered

    def _suggestion(self, snapshot, words, text: str, filters, total: int) -> str | None:
        """A corrected query from the products' own vocabulary, if it finds more."""
        spellings = [view.facts.spelling(view.reader) for view in snapshot.segments]

        def frequencies(wanted):
            return {w: sum(s.frequency.get(w, 0) for s in spellings) for w in wanted}

        folded = [w.folded for w in words]
        corrected = corrected_query(
            folded,
            frequencies,
            {w: snapshot.reader.doc_frequency("text", w) for w in folded},
            lambda word, frequency: self._correction(word, frequency, spellings),
        )
        if corrected is None:
            return None
        if not text.isascii():  # accents typed: spell the suggestion with accents too
            typed = {w.folded: w.text for w in words}
            spelled = []
            for word in corrected:
                forms = [s.accented[word] for s in spellings if word in s.accented]
                spelled.append(typed.get(word) or (max(forms)[1] if forms else word))
            corrected = spelled
        suggestion = " ".join(corrected)
        new_words = analysis.query_words(suggestion)
        found = sum(
            self._matching(view, new_words, filters).bit_count() for view in snapshot.segments
        )
        return suggestion if found > total else None

    @staticmethod
    def _correction(word: str, frequency: int, spellings) -> str | None:
        limit = 1 if len(word) <= 4 else 2
        scores: dict[str, int] = {}
        for spelling in spellings:
            for candidate in spelling.candidates(word):
                scores[candidate] = scores.get(candidate, 0) + spelling.frequency[candidate]
        return best_correction(word, scores, frequency, limit)

    def suggest(self, prefix: str | None, lang: str = "vi", limit: int = 8) -> list[str]:
        """Product names for the search box: every word typed, the last one as a prefix."""
        words = analysis.query_words(prefix)
        if not words or (len(words) == 1 and len(words[-1].folded) < 2):
            return []
        *complete, last = words
        other = "en" if lang == "vi" else "vi"
        names_fields = ("name_vi", "name_en")
        with self._read_lock:
            snapshot = self._snapshot()
            reader = snapshot.reader
            completions: Counter = Counter()
            for fieldname in names_fields:
                for term in islice(reader.expand_prefix(fieldname, last.folded), MAX_PREFIX_TERMS):
                    term = term.decode("utf-8") if isinstance(term, bytes) else term
                    completions[term] += reader.doc_frequency(fieldname, term)
            if not completions:
                return []
            # The word exactly as typed first, then the commoner completions.
            chosen = sorted(completions, key=lambda t: (t != last.folded, -completions[t], t))
            chosen = chosen[:MAX_EXPANSIONS]
            most = max(completions[t] for t in chosen)
            boosts = [
                (f, t, 2.0 if t == last.folded else 1.0 + completions[t] / most, len(complete))
                for t in chosen
                for f in names_fields
            ]
            required = [(f, w.folded, 1.0, i) for i, w in enumerate(complete) for f in names_fields]
            matched = []
            for view in snapshot.segments:
                docs = 0
                for fieldname, term, _, _ in boosts:
                    docs |= view.term_bits(fieldname, term)
                for word in complete:
                    docs &= view.term_bits("name_vi", word.folded) | view.term_bits(
                        "name_en", word.folded
                    )
                matched.append((view, docs & view.live))
            ranked = self._ranked(snapshot, matched, (required, boosts), limit * 6)
            names, seen = [], set()
            for docnum in ranked:
                stored = snapshot.searcher.stored_fields(docnum)
                name = stored.get(f"title_{lang}") or stored.get(f"title_{other}") or ""
                key = " ".join(analysis.folded_terms(name))
                if name and key not in seen:
                    seen.add(key)
                    names.append((key, name))
        # Names that begin with what was typed read best, then the ranking's order.
        typed = " ".join(w.folded for w in words)
        names.sort(key=lambda item: not item[0].startswith(typed))
        return [name for _, name in names[:limit]]

    def doc_count(self) -> int:
        with self._read_lock:
            return self._snapshot().searcher.doc_count()

    def check(self) -> bool:
        """True when the live index, opened afresh from disk, can be read: the searcher this
        process keeps may still read files that have since been damaged or deleted."""
        try:
            self.ensure_index()
            ix = index.open_dir(str(self.root / self._current_name()))
            with ix.searcher() as searcher:
                searcher.doc_count()
                reader = searcher.reader()
                for _term in islice(reader.lexicon("id"), 1):
                    pass
                if searcher.doc_count():
                    searcher.stored_fields(next(iter(reader.all_doc_ids())))
        except Exception:  # any failure to open or read the index means search is down
            return False
        return True

    def forget_reader(self) -> None:
        """Drop this process's searcher after a failure: the next search opens the index
        again (repaired by a reindex, perhaps)."""
        with self._read_lock:
            try:
                self._close_searcher()
            except Exception:
                self._searcher = None
            self._pointer = None
