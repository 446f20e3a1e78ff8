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

import fcntl
import heapq
import math
import os
import shutil
import threading
import time
import uuid
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import accumulate, islice
from operator import itemgetter
from pathlib import Path

from whoosh import columns, fields, formats, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from app.models.base import vietnam_today
from app.search import analysis, docsets
from app.search.documents import (
    FACETS,
    PRICE_BANDS,
    ProductDocument,
    SearchFilters,
    SearchResult,
)

# Analysis happens in app.search.analysis; the index only splits the prepared terms.
TERMS = SpaceSeparatedTokenizer()
SEP = "\x1f"
SCORED_FIELDS = ("text", "name_vi", "name_en", "exact")
FEW_HITS = 2  # at most this many hits and a query gets a "did you mean"
OWN_NAME_BOOST = 3.0  # a word in the product name, in the page's language
OTHER_NAME_BOOST = 1.5  # ... in the other language
EXACT_BOOST = 2.0  # the accents typed are the accents written: "mắm" over "mâm"
# A word in the product's own name or description, not only in its shop's, category's or
# province's name: shop names must not drown the products that are what was asked for.
OWN_WORDS_BOOST = 2.0
OWN = "own"  # that field: the product's own words, folded, with English stems
WORDS = "words"  # the same words without stems: the vocabulary "did you mean" corrects to
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
# Ranking every match of a broad query costs time for nothing (see _candidates).
RANK_LIMIT = 1000
RESULT_WINDOW = 10_000  # pages past the first 10,000 results come back empty
TERM_SETS_CACHE_BYTES = 48 * 2**20  # document sets of recent terms kept per process
MANY_VALUES = 64  # facets with more values (shops) are counted document by document
PRICE_RANGES_KEPT = 16  # per segment: the price bands, and a few other ranges
MAX_EXPANSIONS = 24  # autocomplete: completions tried for the last word
MAX_PREFIX_TERMS = 300  # ... out of at most this many terms starting with it


class PreparedText(fields.TEXT):
    """A text field fed with terms already analysed, space-separated.

    Terms are counted in C, and the count is the posting's weight (what BM25 reads); no
    per-posting value is stored beside it, which keeps postings small and quick to read.
    """

    def __init__(self):
        super().__init__(analyzer=TERMS, phrase=False)
        self.format = formats.Existence()

    def index(self, value, **kwargs):
        counts = Counter(value.split())
        return [(t.encode("utf-8"), n, float(n), b"") for t, n in counts.items()]


def make_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        # Everything a buyer may type, folded, with English stems: every word must match here.
        text=PreparedText(),
        # Boosts only: names in each language (folded) and accented Vietnamese words.
        name_vi=PreparedText(),
        name_en=PreparedText(),
        exact=PreparedText(),
        # Boosts only: the product's own words (names and descriptions), not its shop's.
        own=PreparedText(),
        # The same without stems: the real product words "did you mean" may suggest.
        words=PreparedText(),
        # Per-document values for facets, filters and sorting, read once per segment.
        facts=fields.COLUMN(columns.VarBytesColumn()),
        title_vi=fields.STORED(),
        title_en=fields.STORED(),
    )


class BulkSegmentWriter(SegmentWriter):
    """The rebuild's writer: postings gathered in memory per term, written in blocks at commit.

    Whoosh's general writer sends every posting through a sorting pool and, at commit, adds
    them one by one, reading the document's field length back each time: minutes for
    100,000 products. A rebuild starts from an empty index, so postings can be kept per term
    (document numbers only grow) and handed to the postings writer a block at a time. This
    fills the block buffer of whoosh.codec.whoosh3's postings writer the way its
    add_posting() does, which is why requirements.txt pins Whoosh-Reloaded.
    Only for make_schema()'s fields.
    """

    def __init__(self, ix, **kwargs):
        # Blocks of 1024 postings: queries read whole posting lists, so fewer and larger
        # blocks mean fewer unpickling calls.
        codec = W3Codec(blocklimit=1024)
        super().__init__(ix, compound=False, codec=codec, **kwargs)
        # term -> document number << 16 | weight, for each prepared field
        self._postings: dict[str, dict[str, array]] = {}
        self._plain: dict[str, dict[bytes, list]] = {}
        self._lengths: dict[str, array] = {}

    def add_document(self, **values):
        self._check_state()
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        for fieldname in sorted(values):
            value, field = values[fieldname], self.schema[fieldname]
            length = 0
            if isinstance(field, PreparedText):
                postings = self._postings.setdefault(fieldname, {})
                base = docnum << 16
                for term, n in Counter(value.split()).items():
                    found = postings.get(term)
                    if found is None:
                        found = postings[term] = array("Q")
                    found.append(base | (n if n < 65536 else 65535))
                    length += n
                lengths = self._lengths.setdefault(fieldname, array("I"))
                lengths.extend([0] * (docnum + 1 - len(lengths)))
                lengths[docnum] = byte_to_length(length_to_byte(length)) if length else 0
            elif field.indexed:
                plain = self._plain.setdefault(fieldname, {})
                for btext, _, weight, vbytes in field.index(value):
                    plain.setdefault(btext, []).append((docnum, weight, vbytes))
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type and value is not None:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        for fieldname in sorted(set(self._postings) | set(self._plain)):
            writer.start_field(fieldname, self.schema[fieldname])
            if fieldname in self._postings:
                lengths, terms = self._lengths[fieldname], self._postings[fieldname]
                # UTF-8 keeps code point order, so sorting str sorts the stored bytes.
                for term in sorted(terms):
                    writer.start_term(term.encode("utf-8"))
                    self._add_blocks(writer._postwriter, terms[term], lengths)
                    writer.finish_term()
            else:
                terms = self._plain[fieldname]
                for btext in sorted(terms):
                    writer.start_term(btext)
                    for docnum, weight, vbytes in terms[btext]:
                        writer.add(docnum, weight, vbytes, 0)
                    writer.finish_term()
            writer.finish_field()
        writer.close()
        self._postings.clear()
        self._plain.clear()

    @staticmethod
    def _add_blocks(postwriter, packed: array, lengths: array) -> None:
        limit = postwriter._blocklimit
        for start in range(0, len(packed), limit):
            chunk = packed[start : start + limit]
            docnums = [p >> 16 for p in chunk]
            weights = [p & 0xFFFF for p in chunk]
            block_lengths = [lengths[d] for d in docnums]
            postwriter._ids.extend(docnums)
            postwriter._weights.fromlist(weights)
            postwriter._maxweight = max(weights)
            postwriter._minlength = min(block_lengths)
            postwriter._maxlength = max(block_lengths)
            if start + limit < len(packed):
                postwriter._write_block()


def index_fields(doc: ProductDocument) -> dict:
    vi_text = " ".join(
        (doc.name_vi, doc.description_vi, doc.shop_name_vi, doc.category_names_vi)
        + (doc.province_name_vi,)
    )
    en_text = " ".join(
        (doc.name_en, doc.description_en, doc.shop_name_en, doc.category_names_en)
        + (doc.province_name_en,)
    )
    terms = {
        "text": analysis.folded_terms(vi_text) + analysis.english_terms(en_text),
        "name_vi": analysis.folded_terms(doc.name_vi),
        "name_en": analysis.english_terms(doc.name_en),
        "exact": analysis.exact_terms(f"{doc.name_vi} {doc.description_vi}"),
        OWN: analysis.folded_terms(f"{doc.name_vi} {doc.description_vi}")
        + analysis.english_terms(f"{doc.name_en} {doc.description_en}"),
        WORDS: analysis.folded_terms(
            f"{doc.name_vi} {doc.description_vi} {doc.name_en} {doc.description_en}"
        ),
    }
    expires = doc.ocop_expires_on.toordinal() if doc.ocop_expires_on else 0
    facts = [
        doc.id,
        doc.price_vnd,
        doc.created_ts,
        doc.ocop_stars,
        expires,
        *(len(terms[f]) for f in SCORED_FIELDS),
        doc.province_slug,
        doc.shop_slug,
        doc.category_slug,
        doc.category_parent_slug,
        len(terms[OWN]),  # last: indexes built before it have none (read as 0)
    ]
    return {
        "id": str(doc.id),
        **{f: " ".join(terms[f]) for f in (*SCORED_FIELDS, OWN, WORDS)},
        "facts": SEP.join(map(str, facts)).encode("utf-8"),
        "title_vi": doc.name_vi,
        "title_en": doc.name_en,
    }


def posting_ids(reader, fieldname: str, text: str) -> list[int]:
    """A term's document numbers in one segment, deleted ones included, read a block at a time.

    Stepping a Whoosh matcher posting by posting is most of the cost of a query in pure
    Python; a W3 block's data is (id deltas, weights, values), decoded here with C-level calls.
    """
    try:
        matcher = reader.postings(fieldname, text)
    except (KeyError, TermNotFound):
        return []
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        matcher._read_data()
        ids.extend(accumulate(matcher._data[0]))
        matcher._next_block()
    return ids


class TermSetCache:
    """The document sets of the terms queries used lately, shared by a process's queries.

    Reading a long posting list costs far more than using it, and the same few hundred
    words (cà phê, mật ong, htx, cooperative...) come back in most queries. A set costs one
    bit per document of its segment; the cache holds at most `budget` bytes of them.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self._sets: OrderedDict[tuple, tuple[int, int]] = OrderedDict()

    def get(self, key: tuple) -> int | None:
        found = self._sets.get(key)
        if found is None:
            return None
        self._sets.move_to_end(key)
        return found[0]

    def put(self, key: tuple, bits: int, count: int) -> None:
        size = count // 8 + 1
        if key in self._sets:
            self.size -= self._sets.pop(key)[1]
        self._sets[key] = (bits, size)
        self.size += size
        while self.size > self.budget and len(self._sets) > 1:
            _, (_, dropped) = self._sets.popitem(last=False)
            self.size -= dropped


class SegmentFacts:
    """What a segment never changes: per-document values and lengths, filter sets, orders.

    Segments are immutable apart from deletions, so this is read once per segment (one pass
    over the `facts` column) and shared by every later searcher; deletions are applied by
    SegmentView.
    """

    def __init__(self, reader, today: date):
        self.count = reader.doc_count_all()
        self.ids, self.price, self.created, self.stars = [], [], [], []
        self.province, self.shop, self.category, self.parent = [], [], [], []
        self.lengths: dict[str, list[int]] = {f: [] for f in (*SCORED_FIELDS, OWN)}
        today_ordinal = today.toordinal()
        lengths = [self.lengths[f] for f in SCORED_FIELDS]
        column = reader.column_reader("facts", translate=False) if self.count else []
        for raw in column:
            values = raw.decode("utf-8").split(SEP)
            self.ids.append(int(values[0]))
            self.price.append(int(values[1]))
            self.created.append(int(values[2]))
            stars, expires = int(values[3]), int(values[4])
            self.stars.append(stars if stars and expires >= today_ordinal else 0)
            for target, value in zip(lengths, values[5:9], strict=True):
                target.append(int(value))
            self.province.append(values[9])
            self.shop.append(values[10])
            self.category.append(values[11])
            self.parent.append(values[12])
            self.lengths[OWN].append(int(values[13]) if len(values) > 13 else 0)
        self.total_length = {f: sum(lengths) for f, lengths in self.lengths.items()}
        self.universe = list(range(self.count))
        self.all_bits = docsets.range_bits(self.count)
        self._cache: dict[tuple, object] = {}

    def values_of(self, facet: str) -> list:
        """Each document's value for a facet (its own category for "category")."""
        if facet == "ocop_stars":
            return self.stars
        if facet == "price_band":
            found = self._cache.get(("price_band",))
            if found is None:
                bounds = [low for _, low, _ in PRICE_BANDS[1:]]
                keys = [key for key, _, _ in PRICE_BANDS]
                found = [keys[bisect_right(bounds, p)] for p in self.price]
                self._cache[("price_band",)] = found
            return found
        return getattr(self, facet)

    def groups(self, facet: str) -> dict[object, list[int]]:
        """{value: documents} for a facet (a top-level category includes its children)."""
        key = ("groups", facet)
        found = self._cache.get(key)
        if found is None:
            found = {}
            if facet == "category":
                for d, (leaf, top) in enumerate(zip(self.category, self.parent, strict=True)):
                    found.setdefault(leaf, []).append(d)
                    if top != leaf:
                        found.setdefault(top, []).append(d)
            else:
                for d, value in enumerate(self.values_of(facet)):
                    found.setdefault(value, []).append(d)
            self._cache[key] = found
        return found

    def value_bits(self, facet: str, value) -> int:
        key = ("bits", facet, value)
        found = self._cache.get(key)
        if found is None:
            docs = self.groups(facet).get(value, ())
            found = self._cache[key] = docsets.bits_of(docs, self.count)
        return found

    def price_bits(self, low: int, high: float) -> int:
        order = self._cache.get(("by_price",))
        if order is None:
            order = sorted(self.universe, key=self.price.__getitem__)
            prices = [self.price[d] for d in order]
            self._cache[("by_price",)] = order = (order, prices)
        order, prices = order
        ranges = self._cache.setdefault(("price ranges",), OrderedDict())
        found = ranges.get((low, high))
        if found is None:
            docs = order[bisect_left(prices, low) : bisect_right(prices, high)]
            found = ranges[(low, high)] = docsets.bits_of(docs, self.count)
            if len(ranges) > PRICE_RANGES_KEPT:  # any price can be asked for: keep a few
                ranges.popitem(last=False)
        return found

    def order(self, sort: str) -> list[int]:
        """Every document in the order of a sort; ties go to the newest."""
        key = ("order", sort)
        found = self._cache.get(key)
        if found is None:
            price, created, stars = self.price, self.created, self.stars
            keys = {
                "price_asc": lambda d: (price[d], -created[d]),
                "price_desc": lambda d: (-price[d], -created[d]),
                "ocop": lambda d: (-stars[d], -created[d]),
            }
            found = sorted(self.universe, key=keys.get(sort, lambda d: (-created[d], -d)))
            self._cache[key] = found
        return found

    def sort_key(self, sort: str, d: int) -> tuple:
        if sort == "price_asc":
            return (self.price[d], -self.created[d])
        if sort == "price_desc":
            return (-self.price[d], -self.created[d])
        if sort == "ocop":
            return (-self.stars[d], -self.created[d])
        return (-self.created[d], 0)

    def live(self, deleted: frozenset[int]) -> int:
        key = ("live", len(deleted))  # deletions in a segment only ever grow
        found = self._cache.get(key)
        if found is None:
            found = self.all_bits & ~docsets.bits_of(deleted, self.count)
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "live"}
            self._cache[key] = found
        return found

    def spelling(self, reader) -> "SpellingIndex":
        found = self._cache.get(("spelling",))
        if found is None:
            found = self._cache[("spelling",)] = SpellingIndex(reader)
        return found


class SegmentView:
    """One segment as a query sees it: its facts, its reader and deletions, its offset."""

    def __init__(self, facts: SegmentFacts, reader, offset: int, key: tuple, cache):
        self.facts = facts
        self.reader = reader
        self.offset = offset
        self.count = facts.count
        self.deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self.live = facts.live(self.deleted)
        self._key = key
        self._cache = cache

    def term_bits(self, fieldname: str, text: str) -> int:
        key = (*self._key, fieldname, text)
        found = self._cache.get(key)
        if found is None:
            ids = posting_ids(self.reader, fieldname, text)
            found = docsets.bits_of(ids, self.count)
            self._cache.put(key, found, self.count)
        return found

    def value_bits(self, facet: str, value) -> int:
        return self.facts.value_bits(facet, value)


class SpellingIndex:
    """The folded vocabulary of one segment (the products' own words: no stems, no shop
    names), with one-deletion variants for quick lookup."""

    def __init__(self, reader):
        self.frequency: dict[str, int] = {}
        self.deletes: dict[str, list[str]] = {}
        field = WORDS if WORDS in reader.schema else "text"  # an index built before it
        for btext, info in reader.iter_field(field):
            word = btext.decode("utf-8")
            if word.isdigit():
                continue
            self.frequency[word] = info.doc_frequency()
            if len(word) >= 3:
                for variant in _deletions(word):
                    self.deletes.setdefault(variant, []).append(word)
        # The most frequent accented spelling of each folded word, to show a nicer suggestion.
        self.accented: dict[str, tuple[int, str]] = {}
        for btext, info in reader.iter_field("exact"):
            word = btext.decode("utf-8")
            folded = analysis.fold_word(word)
            if info.doc_frequency() > self.accented.get(folded, (0, ""))[0]:
                self.accented[folded] = (info.doc_frequency(), word)

    def candidates(self, word: str) -> set[str]:
        found = set(self.deletes.get(word, ()))
        if word in self.frequency:
            found.add(word)
        for variant in _deletions(word):
            found.update(self.deletes.get(variant, ()))
            if variant in self.frequency:
                found.add(variant)
        return found


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swap of two letters costs one."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


FREQUENCY_PER_EDIT = 10  # a candidate one more edit away must be this much commoner to win
# Typing Vietnamese without a keyboard layout: "f" for "ph" ("cafe", "fe" for cà phê).
SOUND_ALIKE = (("f", "ph"),)
MIN_PART = 2  # a word split in two: each part at least this long


def best_correction(
    word: str, candidates: dict[str, int], frequency: int, limit: int, skip_digits: bool = False
) -> str | None:
    """The candidate within `limit` edits that is far commoner than `word` (more than five
    times its document frequency), weighing closeness against frequency: each edit must be
    paid for by FREQUENCY_PER_EDIT times more documents. Ties go to the alphabetical first.
    """
    best = None
    for candidate, df in candidates.items():
        if candidate == word or df <= frequency * 5 or (skip_digits and candidate.isdigit()):
            continue
        distance = edit_distance(word, candidate)
        if distance > limit:
            continue
        key = (distance - math.log(df, FREQUENCY_PER_EDIT), candidate)
        if best is None or key < best[0]:
            best = (key, candidate)
    return best[1] if best else None


def rewrites(word: str, following: str | None) -> list[tuple[tuple[str, ...], int]]:
    """What an unknown word may be without changing its letters much: joined with the next
    word ("ca fe" → "cafe"), "f" read as "ph" ("fe" → "phe"), split in two ("nuocmam" →
    "nuoc mam", "caphe" → "ca phe"), or both. Each is (words, query words it replaces)."""
    forms = [word]
    for typed, written in SOUND_ALIKE:
        if typed in word:
            forms.append(word.replace(typed, written))
    found: list[tuple[tuple[str, ...], int]] = []
    if following is not None:
        found.append(((word + following,), 2))
    for form in forms:
        if form != word:
            found.append(((form,), 1))
        for i in range(MIN_PART, len(form) - MIN_PART + 1):
            found.append(((form[:i], form[i:]), 1))
    return found


def corrected_query(
    words: list[str],
    frequencies: Callable[[Iterable[str]], dict[str, int]],
    searchable: dict[str, int],
    correction: Callable[[str, int], str | None],
) -> list[str] | None:
    """The "did you mean" rule both search backends share, on folded query words.

    `searchable` counts the documents each query word matches anywhere (shop and place
    names too); `frequencies(words)` gives the document counts of the products' own words,
    the vocabulary suggestions are made of. A word that matches nothing is first rewritten
    as product words by joining, splitting or "f" → "ph" (the commonest reading wins, by
    its rarest word); failing that, and for rare words, `correction(word, frequency)` picks
    a near, much commoner product word (best_correction). None when nothing changed.
    """
    readings = {
        i: rewrites(w, words[i + 1] if i + 1 < len(words) else None) for i, w in enumerate(words)
    }
    wanted = set(words) | {part for found in readings.values() for r, _ in found for part in r}
    df = frequencies(wanted)
    result, changed, i = [], False, 0
    while i < len(words):
        word = words[i]
        if not searchable.get(word) and not word.isdigit():
            known = [
                (min(df.get(part, 0) for part in reading), -len(reading), reading, used)
                for reading, used in readings[i]
                if all(df.get(part, 0) for part in reading)
            ]
            if known:
                _, _, reading, used = max(known)
                result.extend(reading)
                changed, i = True, i + used
                continue
        best = None
        if len(word) >= 3 and not word.isdigit():
            best = correction(word, searchable.get(word, 0))
        result.append(best or word)
        changed = changed or best is not None
        i += 1
    return result if changed else None


class Snapshot:
    """Everything one query reads: the searcher, its segments, the collection statistics."""

    def __init__(self, searcher, segments: list[SegmentView]):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.segments = segments
        self.offsets = [view.offset for view in segments]
        self.doc_count = sum(view.live.bit_count() for view in segments) or 1
        self._average: dict[str, float] = {}

    def product_id(self, docnum: int) -> int:
        view = self.segments[bisect_right(self.offsets, docnum) - 1]
        return view.facts.ids[docnum - view.offset]

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf: log(N / (df + 1)) + 1."""
        df = self.reader.doc_frequency(fieldname, text)
        return math.log(self.doc_count / (df + 1)) + 1

    def average_length(self, fieldname: str) -> float:
        found = self._average.get(fieldname)
        if found is None:
            total = sum(view.facts.total_length[fieldname] for view in self.segments)
            count = sum(view.facts.count for view in self.segments) or 1
            found = self._average[fieldname] = (total / count) or 1.0
        return found


class WhooshBackend:
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

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def _write_lock(self, timeout: float):
        """The one writer lock of every process and thread; yields False on timeout."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / "write.lock", "a+")  # held open for the whole block
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def journal(self, product_ids: Iterable[int], shop_ids: Iterable[int] = ()) -> None:
        lines = [f"p {i}" for i in product_ids] + [f"s {i}" for i in shop_ids]
        if not lines:
            return
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}"
        tmp = self.pending_dir / f".{name}.tmp"
        tmp.write_text("\n".join(lines) + "\n")
        os.replace(tmp, self.pending_dir / f"{name}.ids")

    def _pending(self) -> list[Path]:
        try:
            return sorted(self.pending_dir.glob("*.ids"))
        except FileNotFoundError:
            return []

    def apply_pending(self, load: Callable, timeout: float | None = None) -> bool:
        """Drain the journal into the live index; False when another writer has the lock.

        `load(product_ids, shop_ids)` returns (documents to index, product ids to remove).
        """
        if timeout is None:
            busy = (self.root / "reindexing").exists()
            timeout = 0 if busy else self.write_timeout
        while self._pending():
            with self._write_lock(timeout) as locked:
                if not locked:
                    return False
                self._drain_into(self._open_for_writing(), load)
            timeout = 0  # another writer holding the lock now drains after us
        return True

    def _drain_into(self, ix, load: Callable) -> None:
        """Under the write lock: apply every journaled change to `ix`, then forget it."""
        files = self._pending()
        while files:
            product_ids, shop_ids = set(), set()
            for path in files:
                for line in path.read_text().splitlines():
                    kind, _, value = line.partition(" ")
                    if value.isdigit():  # a damaged line must not block the journal for good
                        (product_ids if kind == "p" else shop_ids).add(int(value))
            documents, removed = load(product_ids, shop_ids)
            writer = ix.writer(timeout=10.0)
            try:
                for product_id in removed:
                    writer.delete_by_term("id", str(product_id))
                for doc in documents:
                    writer.update_document(**index_fields(doc))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            for path in files:
                path.unlink(missing_ok=True)
            files = self._pending()

    def rebuild(
        self,
        documents: Iterable[ProductDocument],
        load: Callable,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build a new index beside the live one, catch up with the journal, then swap.

        Readers keep using the live index until the swap; writers meanwhile only journal,
        and the journal is drained into the new index before it goes live.
        """
        marker = self.root / "reindexing"
        with self._write_lock(timeout=120) as locked:
            if not locked:
                raise TimeoutError("another process holds the search write lock")
            self._create_if_missing()
            marker.touch()
            try:
                path = self._new_index_dir()
                try:
                    ix = index.create_in(str(path), self.schema)
                    writer = BulkSegmentWriter(ix)
                    count = 0
                    for doc in documents:
                        writer.add_document(**index_fields(doc))
                        count += 1
                        if progress is not None:
                            progress(1)
                    writer.commit()
                    self._drain_into(ix, load)
                except BaseException:
                    shutil.rmtree(path, ignore_errors=True)
                    raise
                previous = self._current_name()
                self._set_current(path.name)
                self._remove_old_indexes(keep={path.name, previous})
            finally:
                marker.unlink(missing_ok=True)
        self.apply_pending(load, timeout=0)
        return count

    def _remove_old_indexes(self, keep: set[str | None]) -> None:
        # The previous index stays for readers of other processes still on it.
        for path in self.root.glob("index-*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
