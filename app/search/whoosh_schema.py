"""The Whoosh index's schema, and how a product becomes a document of it.

Every field holds terms already analysed by app.search.analysis, space-separated; the rebuild
writes them through BulkSegmentWriter, which hands postings to Whoosh a block at a time.
"""

from array import array
from collections import Counter

from whoosh import columns, fields, formats
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from app.search import analysis
from app.search.documents import (
    ProductDocument,
)

# Analysis happens in app.search.analysis; the index only splits the prepared terms.
TERMS = SpaceSeparatedTokenizer()
SEP = "\x1f"
SCORED_FIELDS = ("text", "name_vi", "name_en", "exact")
OWN = "own"  # that field: the product's own words, folded, with English stems
WORDS = "words"  # the same words without stems: the vocabulary "did you mean" corrects to


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
