"""Tax the floor withholds from household and individual sellers: the rates, as data.

Decree 117/2025/NĐ-CP makes e-commerce platforms with a payment function withhold VAT and
personal income tax for household businesses and individuals selling on them, at a
percentage of revenue per kind of goods or service. The figures below are the percentages per
kind that Circular 40/2021/TT-BTC (Appendix I) sets for household and individual businesses
paying on revenue, as they are commonly quoted; NEITHER TEXT COULD BE FOUND AND READ while this
was written (see docs/compliance.md), so `VERIFIED` is False and the operator must check every
figure against the published text before going live. Change a rate here, with its source; a
sale keeps the rates it was booked with (TaxWithholding.rates).
"""

from dataclasses import dataclass

VERIFIED = False
SOURCE = (
    "Decree 117/2025/NĐ-CP (withholding by platforms) with the per-kind percentages of "
    "Circular 40/2021/TT-BTC Appendix I, as commonly quoted: NOT verified against the texts"
)


@dataclass(frozen=True)
class Rate:
    kind: str
    vat_bps: int  # basis points of revenue: 100 = 1%
    pit_bps: int
    label: str


RATES = {
    rate.kind: rate
    for rate in (
        Rate("goods", 100, 50, "Distribution and supply of goods"),
        Rate("services", 500, 200, "Services without goods supplied"),
        Rate("production", 300, 150, "Production, transport, services tied to goods"),
        Rate("other", 200, 100, "Other business activities"),
    )
}
DEFAULT_KIND = "goods"

# Category slug → kind, for categories that are not the supply of goods. Everything the demo
# sells (food, drink, crafts) is goods.
CATEGORY_KINDS: dict[str, str] = {}


def rate_for(category_slug: str | None) -> Rate:
    return RATES[CATEGORY_KINDS.get(category_slug or "", DEFAULT_KIND)]
