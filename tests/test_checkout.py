"""Checkout: one order per checkout, one shop order per cooperative, stock reserved, clean refusals.

Also bank transfer: the VietQR code on the order page and the confirmation by staff or admin.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CartItem, Order, OrderLine, Payment, Product, ShopOrder
from app.payments.vietqr import crc16_ccitt_false, parse_tlv
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.shopping import (  # noqa: F401
    DELIVERY,
    add_to_cart,
    bank_account,
    buyer,
    checkout,
    order,
    order_number_from,
    placed_order,
    signed_in_buyer,
    stock_of,
)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def two_cooperatives():
    tea = ProductFactory(
        shop=ShopFactory(name_vi="HTX Chè Tân Cương", name_en="Tan Cuong Tea"),
        name_vi="Chè xanh",
        name_en="Green tea",
        price_vnd=120000,
        stock=10,
    )
    honey = ProductFactory(
        shop=ShopFactory(name_vi="HTX Ong mật", name_en="Honey Cooperative"),
        name_vi="Mật ong rừng",
        name_en="Forest honey",
        price_vnd=250000,
        stock=5,
    )
    return tea, honey


def test_cod_checkout_makes_one_order_with_a_shop_order_per_cooperative(
    client,
    signed_in_buyer,
    outbox,
):
    tea, honey = two_cooperatives()
    add_to_cart(client, tea, 2)
    add_to_cart(client, honey, 1)

    response = checkout(client, "cod")

    assert response.status_code == 302
    number = order_number_from(response)
    assert re.fullmatch(r"CHX-20\d\d-\d{6}", number)
    assert response.headers["Location"] == f"/vi/orders/{number}"
    placed = order(number)
    assert (placed.items_vnd, placed.shipping_vnd, placed.total_vnd) == (490000, 60000, 550000)
    assert (placed.payment_method, placed.payment_status) == ("cod", "unpaid")
    assert placed.expires_at is None  # cash on delivery never expires
    parts = {s.shop.slug: s for s in placed.shop_orders}
    assert [s.number for s in placed.shop_orders] == [f"{number}-1", f"{number}-2"]
    assert {s.status for s in placed.shop_orders} == {"awaiting_confirmation"}
    tea_part = parts[tea.shop.slug]
    assert (tea_part.items_vnd, tea_part.shipping_vnd, tea_part.total_vnd) == (
        240000,
        30000,
        270000,
    )
    line = tea_part.lines[0]
    assert (line.name_vi, line.name_en, line.unit_price_vnd, line.qty, line.shop_id) == (
        "Chè xanh",
        "Green tea",
        120000,
        2,
        tea.shop_id,
    )
    assert (stock_of(tea), stock_of(honey)) == (8, 4)
    assert count(CartItem) == 0
    assert [e.to_status for e in placed.events] == ["awaiting_confirmation"] * 2
    assert all(e.actor_id == signed_in_buyer.id for e in placed.events)

    html = client.get(f"/vi/orders/{number}").get_data(as_text=True)
    assert "HTX Chè Tân Cương" in html and "HTX Ong mật" in html
    assert "550.000\xa0₫" in html

    mail = outbox()[-1]
    assert mail["To"] == "buyer@example.com"
    assert number in mail["Subject"]
    assert "550.000" in mail.get_content()


def test_confirmation_mail_and_pages_follow_the_buyers_language(client, auth, outbox):
    user = buyer()
    auth.login(user.email, lang="en")
    product = ProductFactory(name_en="Green tea", price_vnd=120000)
    add_to_cart(client, product, 1, lang="en")
    number = order_number_from(checkout(client, "cod", lang="en"))
    mail = outbox()[-1]
    assert mail["Subject"] == f"Your Chợ HTX order {number}"
    assert "1 × Green tea: ₫120,000" in mail.get_content()
    assert "You pay each cooperative in cash" in mail.get_content()
    html = client.get(f"/en/orders/{number}").get_data(as_text=True)
    # Cash on delivery waits for the cooperative, not for a payment.
    assert "Waiting for the cooperative&#39;s confirmation" in html and "Order placed" in html
    assert "Waiting for payment" not in html


def test_order_lines_keep_the_name_and_price_paid(client, signed_in_buyer):
    product = ProductFactory(name_vi="Gạo ST25", price_vnd=90000)
    placed = placed_order(client, [(product, 1)])
    product.name_vi, product.price_vnd = "Gạo ST25 mới", 99000
    db.session.commit()
    line = db.session.scalar(sa.select(OrderLine).where(OrderLine.product_id == product.id))
    assert (line.name_vi, line.unit_price_vnd) == ("Gạo ST25", 90000)
    db.session.delete(db.session.get(Product, product.id))  # the shop deletes the product
    db.session.commit()
    db.session.expire_all()
    assert order(placed.number).shop_orders[0].lines[0].product_id is None


def test_checkout_needs_a_signed_in_buyer(client):
    add_to_cart(client, ProductFactory())
    response = client.get("/vi/checkout")
    assert response.status_code == 302 and "/vi/login" in response.headers["Location"]
    assert checkout(client).status_code == 302
    assert count(Order) == 0


def test_empty_cart_cannot_check_out(client, signed_in_buyer):
    assert client.get("/en/checkout").headers["Location"] == "/en/cart"
    response = checkout(client, lang="en")
    assert response.status_code == 400
    assert "Your cart is empty." in response.get_data(as_text=True)


def test_stock_gone_since_adding_to_cart_gives_409_and_writes_nothing(
    client,
    signed_in_buyer,
):
    tea, honey = two_cooperatives()
    add_to_cart(client, tea, 1, lang="en")
    add_to_cart(client, honey, 3, lang="en")
    honey.stock = 2  # another buyer was faster
    db.session.commit()

    response = checkout(client, lang="en")

    assert response.status_code == 409
    assert "only 2 of Forest honey left" in response.get_data(as_text=True)
    assert (count(Order), count(ShopOrder), count(OrderLine)) == (0, 0, 0)
    assert (stock_of(tea), stock_of(honey)) == (10, 2)  # tea's reservation was undone too
    assert count(CartItem) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("phone", "12345", "Enter +84 or 0 followed by 9 digits."),
        ("address", "", "This field is required."),
        ("province", "atlantis", "Not a valid choice."),
        ("payment_method", "card", "Not a valid choice."),  # no Stripe keys: no card
        ("payment_method", "bank_transfer", "Not a valid choice."),  # no bank account set
        ("payment_method", "", "Choose how to pay."),
    ],
)
def test_bad_checkout_input_is_a_form_error_and_writes_nothing(
    client,
    signed_in_buyer,
    field,
    value,
    message,
):
    product = ProductFactory(stock=5)
    add_to_cart(client, product, 1, lang="en")
    response = checkout(client, lang="en", **{field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Order) == 0 and stock_of(product) == 5


def test_only_configured_payment_methods_are_offered(app, client, signed_in_buyer):
    add_to_cart(client, ProductFactory(), lang="en")
    html = client.get("/en/checkout").get_data(as_text=True)
    assert 'value="cod"' in html
    assert 'value="bank_transfer"' not in html and 'value="card"' not in html
    app.config.update(VIETQR_BANK_BIN="970436", VIETQR_ACCOUNT_NO="0011001234567")
    app.config.update(STRIPE_SECRET_KEY="sk_test_x", STRIPE_PUBLISHABLE_KEY="pk_test_x")
    html = client.get("/en/checkout").get_data(as_text=True)
    assert 'value="bank_transfer"' in html
    assert 'value="card"' not in html  # without a webhook secret no payment could confirm
    app.config.update(STRIPE_WEBHOOK_SECRET="whsec_x")
    assert 'value="card"' in client.get("/en/checkout").get_data(as_text=True)


def test_orders_are_private_to_their_buyer(client, auth):
    first = buyer("first@example.com")
    UserFactory(email="other@example.com")
    UserFactory(email="admin@example.com", role="admin")
    auth.login(first.email)
    placed = placed_order(client, [(ProductFactory(), 1)])
    assert client.get("/vi/orders").get_data(as_text=True).count(placed.number) >= 1

    auth.logout()
    assert client.get(f"/vi/orders/{placed.number}").status_code == 302  # to sign-in
    auth.login("other@example.com")
    assert client.get(f"/vi/orders/{placed.number}").status_code == 404
    assert client.post(f"/vi/orders/{placed.number}/cancel").status_code == 404
    assert placed.number not in client.get("/vi/orders").get_data(as_text=True)
    auth.logout()
    auth.login("admin@example.com")
    assert client.get(f"/vi/orders/{placed.number}").status_code == 200


def test_unknown_order_number_is_404(client, signed_in_buyer):
    assert client.get("/vi/orders/CHX-2026-999999").status_code == 404


# --- bank transfer (VietQR) ---------------------------------------------------------------


def test_bank_transfer_order_shows_a_vietqr_code_with_amount_and_unique_message(
    client,
    signed_in_buyer,
    bank_account,
):
    product = ProductFactory(price_vnd=150000, stock=3)
    placed = placed_order(client, [(product, 1)], "bank_transfer")
    assert placed.transfer_message == placed.number.replace("-", "")
    assert placed.expires_at is not None
    assert stock_of(product) == 2  # reserved until paid or expired

    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert '<svg role="img"' in html and f"VietQR code for order {placed.number}" in html
    assert placed.transfer_message in html and "0011001234567" in html
    facts = html[html.index('class="facts transfer-facts"') :]
    assert "<dt>Bank</dt><dd>Vietcombank</dd>" in facts  # the bank, not its BIN 970436
    assert "970436" not in facts

    from app.payments.services import transfer_instructions

    payload = transfer_instructions(placed).payload
    fields = parse_tlv(payload)
    assert fields["54"] == "180000"  # 150,000 + 30,000 shipping
    assert parse_tlv(fields["62"])["08"] == placed.transfer_message
    assert parse_tlv(parse_tlv(fields["38"])["01"]) == {"00": "970436", "01": "0011001234567"}
    assert int(fields["63"], 16) == crc16_ccitt_false(payload[:-4].encode())


def test_staff_of_the_only_cooperative_confirms_the_transfer_with_the_bank_reference(
    client,
    auth,
    bank_account,
):
    product = ProductFactory(price_vnd=100000)
    staff_of(product.shop, email="staff@example.com")
    auth.login(buyer().email)
    placed = placed_order(client, [(product, 1)], "bank_transfer")
    auth.logout()

    auth.login("staff@example.com")
    part = placed.shop_orders[0]
    html = client.get(f"/en/manage/{product.shop.slug}/orders/{part.number}").get_data(as_text=True)
    assert "Confirm payment received" in html and placed.transfer_message in html
    response = client.post(
        f"/en/orders/{placed.number}/confirm-transfer", data={"reference": "FT2611230001"}
    )
    assert response.status_code == 302

    paid = order(placed.number)
    assert paid.payment_status == "paid" and paid.paid_at is not None
    assert paid.shop_orders[0].status == "paid"
    payment = db.session.scalar(sa.select(Payment).where(Payment.order_id == paid.id))
    assert (payment.method, payment.amount_vnd, payment.reference) == (
        "bank_transfer",
        130000,
        "FT2611230001",
    )
    assert payment.confirmed_by.email == "staff@example.com"
    assert paid.events[-1].actor.email == "staff@example.com"


def test_a_transfer_reference_counts_once_and_only_admin_or_staff_may_confirm(
    client,
    auth,
    bank_account,
):
    tea, honey = two_cooperatives()
    staff_of(tea.shop, email="tea@example.com")
    UserFactory(email="admin@example.com", role="admin")
    auth.login(buyer().email)
    first = placed_order(client, [(tea, 1), (honey, 1)], "bank_transfer")
    second = placed_order(client, [(tea, 1)], "bank_transfer")
    # the buyer cannot mark their own order paid
    assert (
        client.post(
            f"/en/orders/{first.number}/confirm-transfer", data={"reference": "FT1"}
        ).status_code
        == 403
    )
    auth.logout()

    # staff of one of two cooperatives cannot confirm money paid for both
    auth.login("tea@example.com")
    assert (
        client.post(
            f"/en/orders/{first.number}/confirm-transfer", data={"reference": "FT100"}
        ).status_code
        == 403
    )
    auth.logout()

    auth.login("admin@example.com")
    html = client.get("/en/manage/transfers").get_data(as_text=True)
    assert first.transfer_message in html and second.transfer_message in html
    client.post(f"/en/orders/{first.number}/confirm-transfer", data={"reference": "FT100"})
    html = client.post(
        f"/en/orders/{second.number}/confirm-transfer",
        data={"reference": "FT100"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Reference FT100 was already used for order {first.number}." in html
    assert order(first.number).payment_status == "paid"
    assert order(second.number).payment_status == "unpaid"
    html = client.post(
        f"/en/orders/{first.number}/confirm-transfer",
        data={"reference": "FT101"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "This order is already paid." in html
    assert client.get("/en/manage/transfers").get_data(as_text=True).count("FT") == 0 or (
        first.transfer_message not in client.get("/en/manage/transfers").get_data(as_text=True)
    )


def test_only_the_operator_sees_the_transfer_list(client, auth):
    auth.login(buyer().email)
    assert client.get("/en/manage/transfers").status_code == 403


# --- checkout remembers the buyer ------------------------------------------------------------


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


def selected_province(html: str) -> str | None:
    match = re.search(r'<option selected value="([^"]*)"', html[html.index('name="province"') :])
    return match.group(1) if match else None


def test_checkout_starts_from_the_last_orders_phone_and_address(client, signed_in_buyer):
    product = ProductFactory(stock=5)
    placed_order(client, [(product, 1)])  # the form's "save" box is not ticked here
    add_to_cart(client, product, 1)
    html = client.get("/vi/checkout").get_data(as_text=True)
    assert input_value(html, "phone") == "0912345678"
    assert input_value(html, "address") == "12 Lê Lợi"
    assert input_value(html, "commune") == "Phường Buôn Ma Thuột"
    assert selected_province(html) == "dak-lak"


def test_the_only_payment_method_is_chosen_already(client, signed_in_buyer):
    add_to_cart(client, ProductFactory(), 1)
    html = client.get("/en/checkout").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="cod"', html)


def test_checkout_saves_the_address_once_and_offers_the_saved_ones(client, signed_in_buyer):
    from app.models import Address

    product = ProductFactory(stock=10)
    for _ in range(2):
        add_to_cart(client, product, 1)
        assert checkout(client, save_address="y").status_code == 302
    assert count(Address) == 1  # the same address is kept once
    add_to_cart(client, product, 1)
    other = {**DELIVERY, "name": "Trần Văn Nam", "address": "5 Hùng Vương", "province": "ha-noi"}
    assert (
        client.post(
            "/vi/checkout", data={**other, "payment_method": "cod", "save_address": "y"}
        ).status_code
        == 302
    )
    saved = db.session.scalars(sa.select(Address).order_by(Address.id)).all()
    assert [(a.name, a.is_default) for a in saved] == [
        ("Nguyễn Thị Lan", True),
        ("Trần Văn Nam", False),
    ]

    add_to_cart(client, product, 1)
    html = client.get("/en/checkout").get_data(as_text=True)
    assert input_value(html, "address") == "12 Lê Lợi"  # the default one
    assert f'href="/en/checkout?address={saved[1].id}"' in html
    assert "Deliver to Trần Văn Nam, 5 Hùng Vương" in html
    chosen = client.get(f"/en/checkout?address={saved[1].id}").get_data(as_text=True)
    assert input_value(chosen, "name") == "Trần Văn Nam" and selected_province(chosen) == "ha-noi"
    assert 'aria-current="true"' in chosen


def test_address_book_adds_edits_defaults_and_deletes(client, signed_in_buyer):
    from app.models import Address

    assert 'href="/vi/account/addresses"' in client.get("/vi/account").get_data(as_text=True)
    page = client.get("/vi/account/addresses").get_data(as_text=True)
    assert "Chưa có địa chỉ nào được lưu." in page
    assert client.post("/vi/account/addresses", data=DELIVERY).status_code == 302
    second = {**DELIVERY, "address": "7 Nguyễn Du", "is_default": "y"}
    assert client.post("/vi/account/addresses", data=second).status_code == 302
    first, other = db.session.scalars(sa.select(Address).order_by(Address.id)).all()
    assert (first.is_default, other.is_default) == (False, True)

    edited = {**DELIVERY, "address": "14 Lê Lợi"}
    assert client.post(f"/vi/account/addresses/{first.id}", data=edited).status_code == 302
    assert client.post(f"/vi/account/addresses/{first.id}/default").status_code == 302
    db.session.expire_all()
    assert (first.address, first.is_default, other.is_default) == ("14 Lê Lợi", True, False)

    assert client.post(f"/vi/account/addresses/{first.id}/delete").status_code == 302
    db.session.expire_all()
    assert [a.address for a in db.session.scalars(sa.select(Address))] == ["7 Nguyễn Du"]
    assert db.session.get(Address, other.id).is_default  # the one left is the default


@pytest.mark.parametrize(
    ("lang", "data", "message"),
    [
        ("vi", {"phone": "12345"}, "Vui lòng nhập +84 hoặc 0, theo sau là 9 chữ số."),
        ("en", {"phone": "12345"}, "Enter +84 or 0 followed by 9 digits."),
        ("en", {"province": ""}, "Choose a province."),
    ],
)
def test_a_bad_address_is_refused_with_a_message(client, signed_in_buyer, lang, data, message):
    from app.models import Address

    response = client.post(f"/{lang}/account/addresses", data={**DELIVERY, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Address) == 0


def test_nobody_sees_or_changes_anothers_addresses(client, auth, signed_in_buyer):
    from app.models import Address

    client.post("/vi/account/addresses", data=DELIVERY)
    mine = db.session.scalar(sa.select(Address))
    auth.logout()
    auth.login(UserFactory(email="other@example.com").email)
    assert client.get(f"/vi/account/addresses/{mine.id}").status_code == 404
    assert client.post(f"/vi/account/addresses/{mine.id}/delete").status_code == 404
    assert client.get(f"/vi/checkout?address={mine.id}").status_code == 404
    assert count(Address) == 1
