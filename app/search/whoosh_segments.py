"""What a query reads from each index segment: posting lists as bitmaps, per-document facts
(price, dates, facet values) read once per segment, and the snapshot of segments one query
sees.
"""

import math
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from datetime import date
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound

from app.search import docsets
from app.search.documents import (
    PRICE_BANDS,
)
from app.search.spelling import SpellingIndex
from app.search.whoosh_schema import OWN, SCORED_FIELDS, SEP

PRICE_RANGES_KEPT = 16  # per segment: the price bands, and a few other ranges


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
