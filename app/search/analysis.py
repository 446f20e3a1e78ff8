"""The Vietnamese-aware analyzer: text in, index terms out, the same way for documents and queries.

Every field is analysed here, in Python, before it reaches the engine (the engine only
splits on spaces), so the Whoosh index, the benchmark and a future PostgreSQL backend see the
same terms:

- words: Unicode NFC, lowercase, runs of letters and digits;
- folded terms: accents removed and đ→d (`app.text.fold`), so "nuoc mam" meets "nước mắm";
- exact terms: the accented words themselves, tone placement made canonical, used to rank
  "mắm" above "mâm" for a buyer who typed the accents;
- English terms: folded words plus their Porter stem, only for English text, because stemming
  folded Vietnamese mangles it ("thuy" would become "thui").
"""

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape
from whoosh.lang.porter import stem

from app.text import fold, nfc

WORD = re.compile(r"[^\W_]+")
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# "hòa"/"hoà", "khỏe"/"khoẻ", "thủy"/"thuỷ": old and new tone placement, both in daily use.
# In NFD the mark follows its vowel; the canonical form puts it on the second vowel.
_TONE_ON_FIRST_VOWEL = re.compile(f"(o)([{TONE_MARKS}])([ae])$|(u)([{TONE_MARKS}])(y)$")
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8


def words(text: str) -> list[str]:
    """NFC, lowercase, then the runs of letters and digits."""
    return WORD.findall(nfc(text).lower())


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=65536)
def canonical_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)

    def move(match: re.Match) -> str:
        first, mark, second = (g for g in match.groups() if g is not None)
        return first + second + mark

    return unicodedata.normalize("NFC", _TONE_ON_FIRST_VOWEL.sub(move, decomposed))


@lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    return stem(word) if word.isascii() and word.isalpha() and len(word) > 3 else word


def folded_terms(text: str) -> list[str]:
    return [fold_word(w) for w in words(text)]


def english_terms(text: str) -> list[str]:
    """Folded words, each followed by its stem when that differs ("sauces", "sauce")."""
    terms = []
    for word in words(text):
        folded = fold_word(word)
        terms.append(folded)
        stemmed = english_stem(folded)
        if stemmed != folded:
            terms.append(stemmed)
    return terms


def exact_terms(text: str) -> list[str]:
    """The accented words only: an unaccented word's exact form adds nothing to its folded one."""
    return [canonical_tone(w) for w in words(text) if not w.isascii()]


class QueryWord:
    """One word of a buyer's query, in every form the engine matches or boosts."""

    __slots__ = ("text", "folded", "stemmed", "exact")

    def __init__(self, text: str):
        self.text = text
        self.folded = fold_word(text)
        stemmed = english_stem(self.folded)
        self.stemmed = stemmed if stemmed != self.folded else None
        self.exact = None if text.isascii() else canonical_tone(text)

    def __repr__(self) -> str:
        return f"QueryWord({self.text!r})"


def query_words(query: str | None) -> list[QueryWord]:
    """Whatever a buyer types becomes at most a few plain words: no syntax, nothing to raise.

    Punctuation, field names ("title:"), wildcards and brackets are just separators, and very
    long input is cut, so a query is always cheap to run.
    """
    if not query:
        return []
    seen, result = set(), []
    for word in words(query[:MAX_QUERY_CHARS]):
        if word not in seen:
            seen.add(word)
            result.append(QueryWord(word))
    return result[:MAX_QUERY_WORDS]


def normalized_query(query: str | None) -> str:
    return " ".join(w.text for w in query_words(query))


def highlight(text: str, query: str | None) -> Markup:
    """The text, escaped, with the words that match the query (accents or not) in <mark>."""
    wanted = set()
    for word in query_words(query):
        wanted.add(word.folded)
        if word.stemmed:
            wanted.add(word.stemmed)
    text = nfc(text or "")
    if not text or not wanted:
        return escape(text)
    parts, last = [], 0
    for match in WORD.finditer(text):
        folded = fold_word(nfc(match.group()).lower())
        if folded in wanted or english_stem(folded) in wanted:
            parts.append(escape(text[last : match.start()]))
            parts.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def snippet(text: str, query: str | None, length: int = 160) -> Markup:
    """A highlighted window of a long description around its first matching word."""
    text = nfc(text or "")
    if len(text) <= length:
        return highlight(text, query)
    wanted = {w.folded for w in query_words(query)}
    start = 0
    for match in WORD.finditer(text):
        if fold_word(nfc(match.group()).lower()) in wanted:
            start = max(0, match.start() - length // 4)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = text[start : start + length]
    end = window.rfind(" ")
    if start + length < len(text) and end > length // 2:
        window = window[:end]
    prefix = "… " if start else ""
    suffix = " …" if start + len(window) < len(text) else ""
    return Markup("").join([escape(prefix), highlight(window, query), escape(suffix)])
