"""Dates read the same way to everyone: four-digit years, and a day order nobody can misread
(02/12/2026 is 2 December in Vietnam, so English pages write "2 Dec 2026")."""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.i18n import format_date, format_datetime, format_time
from tests.factories import ProductFactory
from tests.shopping import placed_order, signed_in_buyer  # noqa: F401

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# 07:30 UTC on 2 December is 14:30 in Vietnam; 20:00 UTC on 1 December is already the 2nd.
AFTERNOON = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
LATE_EVENING_UTC = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "day", "moment", "clock"),
    [
        ("vi", "02/12/2026", "14:30 02/12/2026", "14:30"),
        ("en", "2 Dec 2026", "2 Dec 2026, 14:30", "14:30"),
    ],
)
def test_one_formatter_per_language(app, lang, day, moment, clock):
    with app.test_request_context(), force_locale(lang):
        assert format_date(date(2026, 12, 2)) == day
        assert format_date(AFTERNOON) == day
        assert format_date(LATE_EVENING_UTC) == day  # the day in Vietnam, not in UTC
        assert format_datetime(AFTERNOON) == moment
        assert format_time(AFTERNOON) == clock


@pytest.mark.parametrize(
    ("lang", "placed"),
    [("vi", "14:30 02/12/2026"), ("en", "2 Dec 2026, 14:30")],
)
def test_order_page_and_history_print_the_date_unambiguously(client, signed_in_buyer, lang, placed):
    order = placed_order(client, [(ProductFactory(), 1)], lang=lang)
    order.created_at = AFTERNOON
    db.session.commit()
    for path in (f"/{lang}/orders/{order.number}", f"/{lang}/orders"):
        html = client.get(path).get_data(as_text=True)
        assert placed in html, path
        assert "12/2/26" not in html and "02/12/26" not in html, path


def test_every_template_writes_dates_through_the_one_formatter():
    problems = []
    for path in TEMPLATES.rglob("*"):
        if not path.is_file() or path.name == "feed.atom.xml":  # Atom wants RFC 3339 dates
            continue
        text = path.read_text()
        if re.search(r"strftime\(|\| *(date|datetime|time)format\(", text):
            problems.append(f"{path.name}: strftime or a Flask-Babel date style")
        for match in re.finditer(r"\.isoformat\(\)", text):
            before = text[max(0, match.start() - 80) : match.start()]
            machine = re.search(r'datetime="\{\{ [\w.]+$', before) or "'from':" in before
            if not machine:
                problems.append(f"{path.name}: isoformat() shown to a reader")
    assert problems == []
