"""Listing facts: what Vietnamese labelling rules make a label show (Decree 43/2017/NĐ-CP as
amended by Decree 111/2021/NĐ-CP), kept as data: each category lists the fact codes its
products must carry (Category.required_facts); a product keeps its values in Product.facts as
{code: {"vi": ..., "en": ...}}. A fact counts as given when its Vietnamese value is filled,
since the label must be in Vietnamese; the English one is shown when present.
"""

from app.catalog.labels import FACT_LABELS, fact_label

__all__ = ["fact_label"]

FACT_CODES = tuple(FACT_LABELS)


def required_facts(category) -> list[str]:
    """The codes a category requires, in the order of FACT_CODES (unknown codes dropped)."""
    wanted = set((category.required_facts or "").split(",")) if category is not None else set()
    return [code for code in FACT_CODES if code in wanted]


def clean_facts(values: dict) -> dict:
    """Only known codes with something filled, stripped."""
    cleaned = {}
    for code in FACT_CODES:
        given = values.get(code) or {}
        vi, en = (given.get("vi") or "").strip(), (given.get("en") or "").strip()
        if vi or en:
            cleaned[code] = {"vi": vi, "en": en}
    return cleaned


def missing_facts(category, facts: dict) -> list[str]:
    """Required facts whose Vietnamese value is empty."""
    return [code for code in required_facts(category) if not (facts.get(code) or {}).get("vi")]


def fact_value(facts: dict, code: str, lang: str) -> str:
    given = (facts or {}).get(code) or {}
    other = "en" if lang == "vi" else "vi"
    return given.get(lang) or given.get(other) or ""


def ordered_facts(product) -> list[tuple[str, dict]]:
    """A product's filled facts in the order of FACT_CODES, for pages."""
    facts = product.facts or {}
    return [(code, facts[code]) for code in FACT_CODES if code in facts]
