"""Sets of document numbers as Python ints, one bit per document of a segment.

Intersections, unions and counts of such sets are single C-level operations (`&`, `|`,
`int.bit_count()`), whatever their size, and a set costs one bit per document of the segment
(12.5 kB for 100,000 products), so the sets of common words and of filter values can stay in
memory. Only building a set from a posting list and listing a set's members loop in Python.
"""

from collections.abc import Iterable
from itertools import compress

_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FROM_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def bits_of(docs: Iterable[int], count: int) -> int:
    """The set of these document numbers (all below `count`)."""
    flags = bytearray(count)
    for d in docs:
        flags[d] = 1
    # Document 0 is the lowest bit, so the string of digits is read from the end.
    return int(flags[::-1].translate(_TO_DIGITS) or b"0", 2)


def range_bits(count: int) -> int:
    return (1 << count) - 1


def docs_of(bits: int, universe: list[int]) -> list[int]:
    """The members in ascending order; `universe` is list(range(count)), built once."""
    if not bits:
        return []
    digits = format(bits, "b")[::-1]
    if bits.bit_count() * 32 < len(digits):
        # Sparse: jump from one member to the next.
        found, find = [], digits.find
        i = find("1")
        while i >= 0:
            found.append(i)
            i = find("1", i + 1)
        return found
    return list(compress(universe, digits.encode().translate(_FROM_DIGITS)))


def highest_docs(bits: int, n: int) -> list[int]:
    """The `n` highest members, highest first, at a cost proportional to `n`."""
    if not bits or n <= 0:
        return []
    digits = format(bits, "b")  # the highest member first
    top = len(digits) - 1
    found, find = [], digits.find
    i = 0
    while i >= 0 and len(found) < n:
        found.append(top - i)
        i = find("1", i + 1)
    return found


def membership(bits: int, count: int) -> str:
    """A string whose character d is "1" when d is a member: quick tests in a loop."""
    return format(bits, "b")[::-1].ljust(count, "0")
