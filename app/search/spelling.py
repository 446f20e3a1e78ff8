""" "Did you mean": the vocabulary of each segment, edit distances and the corrections of a
query (accents, typing without a Vietnamese keyboard, a word split in two).
"""

import math
from collections.abc import Callable, Iterable

from app.search import analysis
from app.search.whoosh_schema import WORDS


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
