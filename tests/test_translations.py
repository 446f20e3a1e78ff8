"""The message catalogs: complete in both languages, up to date with the code, and one English
word with two meanings ("Cancel" a form, "Cancel" an order) translated as each means."""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, pgettext

from app.i18n import EXTRACT
from app.orders.forms import CancelForm
from tests.factories import ProductFactory
from tests.shopping import BANK, add_to_cart, placed_order, signed_in_buyer  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def catalog(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def key(message) -> tuple:
    return (message.context, message.id)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    missing = [
        key(m)
        for m in catalog(lang)
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert missing == []


def test_the_catalogs_hold_every_message_of_the_code(tmp_path):
    args = [a if a != "messages.pot" else str(tmp_path / "messages.pot") for a in EXTRACT]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args], cwd=ROOT, check=True
    )
    with (tmp_path / "messages.pot").open("rb") as f:
        wanted = {key(m) for m in read_po(f) if m.id}
    for lang in ("vi", "en"):
        assert sorted(wanted - {key(m) for m in catalog(lang)}, key=str) == [], lang


def test_cancelling_a_report_is_not_cancelling_an_order(client):
    product = ProductFactory()
    html = client.get(f"/vi/report/product/{product.id}").get_data(as_text=True)
    assert "Hủy bỏ</a>" in html
    assert "Hủy đơn" not in html
    with force_locale("vi"):
        assert str(CancelForm.submit.args[0]) == "Hủy đơn"
        assert pgettext("leave a form without sending it", "Cancel") == "Hủy bỏ"


def test_an_amount_of_money_is_not_a_line_total(app, client, signed_in_buyer):
    app.config.update(BANK)
    order = placed_order(client, [(ProductFactory(), 1)], "bank_transfer")
    transfer = client.get(f"/vi/orders/{order.number}").get_data(as_text=True)
    assert "<dt>Số tiền</dt>" in transfer  # the sum to transfer
    assert "Thành tiền</th>" in transfer  # each line's price × quantity
    add_to_cart(client, ProductFactory())
    assert "Thành tiền</th>" in client.get("/vi/cart").get_data(as_text=True)
