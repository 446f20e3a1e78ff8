"""Which payment methods checkout offers, and that its text speaks only of those.

`make run` (development) offers cash on delivery and bank transfer out of the box, the
transfer going to a demo account that every page showing it marks as such; production gets
no account it was not given.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ProductFactory
from tests.shopping import BANK, add_to_cart, placed_order, signed_in_buyer  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
}
RESERVED = {
    "en": {
        "both": "Card and bank transfer orders keep your products reserved",
        "card": "Card orders keep your products reserved",
        "bank": "Bank transfer orders keep your products reserved",
    },
    "vi": {
        "both": "thanh toán bằng thẻ hoặc chuyển khoản, sản phẩm được giữ",
        "card": "thanh toán bằng thẻ, sản phẩm được giữ",
        "bank": "thanh toán bằng chuyển khoản, sản phẩm được giữ",
    },
}


def settings_for(environment: dict, tmp_path) -> dict:
    """The VietQR settings config.py gives a fresh process with this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIETQR_", "APP_", "FLASK_"))}
    env.update(INSTANCE_DIR=str(tmp_path), **environment)
    code = (
        "import json, config; c = config.config_from_environment(); "
        "print(json.dumps({k: getattr(c, k) for k in dir(c) if k.startswith('VIETQR_')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("settings", "offered", "reserved"),
    [
        ({}, {"cod"}, None),
        (BANK, {"cod", "bank_transfer"}, "bank"),
        (STRIPE, {"cod", "card"}, "card"),
        ({**BANK, **STRIPE}, {"cod", "bank_transfer", "card"}, "both"),
    ],
)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_checkout_text_speaks_only_of_the_methods_offered(
    app, client, signed_in_buyer, settings, offered, reserved, lang
):
    app.config.update(settings)
    add_to_cart(client, ProductFactory(), lang=lang)
    html = client.get(f"/{lang}/checkout").get_data(as_text=True)
    for method in ("cod", "bank_transfer", "card"):
        assert (f'value="{method}"' in html) == (method in offered), method
    for kind, text in RESERVED[lang].items():
        assert (text in html) == (kind == reserved), text
    assert "demo-account" not in html  # a real account is not called a demo


def test_development_offers_bank_transfer_to_a_marked_demo_account(tmp_path):
    settings = settings_for({}, tmp_path)
    assert settings["VIETQR_DEMO_ACCOUNT"] is True
    assert settings["VIETQR_BANK_BIN"] and settings["VIETQR_ACCOUNT_NO"]
    assert "DEMO" in settings["VIETQR_ACCOUNT_NAME"]


def test_development_uses_a_real_account_when_one_is_given(tmp_path):
    settings = settings_for(BANK, tmp_path)
    assert settings["VIETQR_DEMO_ACCOUNT"] is False
    assert settings["VIETQR_ACCOUNT_NO"] == BANK["VIETQR_ACCOUNT_NO"]


def test_production_never_gets_the_demo_account(tmp_path):
    settings = settings_for({"APP_ENV": "production", "SECRET_KEY": "s"}, tmp_path)
    assert settings["VIETQR_DEMO_ACCOUNT"] is False
    assert not settings["VIETQR_BANK_BIN"] and not settings["VIETQR_ACCOUNT_NO"]


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("vi", "tài khoản minh hoạ"),
        ("en", "demonstration account"),
    ],
)
def test_demo_account_is_offered_and_marked_at_checkout_and_on_the_order(
    app, client, signed_in_buyer, tmp_path, lang, note
):
    app.config.update(settings_for({}, tmp_path))
    add_to_cart(client, ProductFactory(), lang=lang)
    html = client.get(f"/{lang}/checkout").get_data(as_text=True)
    assert 'value="cod"' in html and 'value="bank_transfer"' in html
    assert note in html

    order = placed_order(client, [], "bank_transfer", lang=lang)
    page = client.get(f"/{lang}/orders/{order.number}").get_data(as_text=True)
    assert "0000000000" in page and note in page
