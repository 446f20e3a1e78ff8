"""The cart: guests and buyers, stock checks, grouping by cooperative, shipping, merging at sign-in."""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CartItem, ShippingRate
from tests.factories import ProductFactory, ShopFactory, staff_of
from tests.shopping import add_to_cart, buyer, signed_in_buyer  # noqa: F401


def cart_items(user) -> dict[int, int]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(CartItem.product_id, CartItem.qty).where(CartItem.user_id == user.id)
    )
    return {product_id: qty for product_id, qty in rows}


def test_guest_adds_products_of_two_cooperatives_and_sees_them_grouped(client):
    tea = ProductFactory(
        name_vi="Chè Tân Cương", price_vnd=120000, shop=ShopFactory(name_vi="HTX Chè")
    )
    honey = ProductFactory(name_vi="Mật ong", price_vnd=200000, shop=ShopFactory(name_vi="HTX Ong"))

    response = add_to_cart(client, tea, 2)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/vi/p/{tea.slug}"
    add_to_cart(client, honey, 1)

    client.get(f"/vi/p/{honey.slug}")  # shows (and so clears) the "added" messages
    html = client.get("/vi/cart").get_data(as_text=True)
    assert html.index("HTX Chè") < html.index("Chè Tân Cương") < html.index("HTX Ong")
    assert "240.000\xa0₫" in html  # 2 × tea
    assert "30.000\xa0₫" in html  # the default flat fee, once per cooperative
    assert "500.000\xa0₫" in html  # 240,000 + 200,000 + 2 × 30,000
    assert 'class="cart-count" aria-hidden="true">3<' in html


def test_added_message_and_count_show_on_the_product_page(client):
    product = ProductFactory(name_en="ST25 rice")
    html = client.post(
        "/en/cart/add", data={"product_id": product.id, "qty": 2}, follow_redirects=True
    ).get_data(as_text=True)
    assert "ST25 rice is in your cart." in html
    assert 'class="cart-count" aria-hidden="true">2<' in html


def test_cannot_add_more_than_the_stock(client):
    product = ProductFactory(stock=3, name_en="Coffee")
    assert add_to_cart(client, product, 2, lang="en").status_code == 302
    response = add_to_cart(client, product, 2, lang="en")
    assert response.status_code == 409
    assert "Only 3 of Coffee left in stock." in response.get_data(as_text=True)
    assert 'class="cart-count" aria-hidden="true">2<' in client.get("/en/cart").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("qty", "status", "message"),
    [("0", 400, "Choose a quantity from 1 to 999."), ("abc", 400, ""), ("1000", 400, "")],
)
def test_bad_quantities_are_refused_on_the_product_page(client, qty, status, message):
    product = ProductFactory()
    response = client.post("/en/cart/add", data={"product_id": product.id, "qty": qty})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert client.get("/en/cart").get_data(as_text=True).count("cart-table") == 0


def test_unknown_hidden_or_sold_out_products_cannot_be_added(client):
    hidden = ProductFactory(is_hidden=True)
    sold_out = ProductFactory(stock=0, name_en="Mushrooms")
    assert add_to_cart(client, 999_999, lang="en").status_code == 404
    assert client.post("/en/cart/add", data={"qty": 1}).status_code == 400
    assert add_to_cart(client, hidden, lang="en").status_code == 404
    response = add_to_cart(client, sold_out, lang="en")
    assert response.status_code == 409
    assert "Mushrooms is sold out." in response.get_data(as_text=True)


def test_product_page_offers_add_to_cart_or_a_disabled_sold_out_button(client):
    ProductFactory(slug="co-hang", stock=4)
    ProductFactory(slug="het-hang", stock=0)
    html = client.get("/en/p/co-hang").get_data(as_text=True)
    assert 'action="/en/cart/add"' in html and 'name="qty"' in html and 'max="4"' in html
    html = client.get("/en/p/het-hang").get_data(as_text=True)
    assert "disabled>Sold out</button>" in html and 'name="qty"' not in html


def test_update_quantity_and_remove_lines(client):
    product = ProductFactory(stock=5)
    add_to_cart(client, product, 1, lang="en")
    response = client.post("/en/cart/update", data={"product_id": product.id, "qty": 4})
    assert response.status_code == 302
    assert 'value="4"' in client.get("/en/cart").get_data(as_text=True)
    response = client.post("/en/cart/update", data={"product_id": product.id, "qty": 6})
    assert response.status_code == 409
    assert "Only 5 of" in response.get_data(as_text=True)
    client.post("/en/cart/update", data={"product_id": product.id, "qty": 0})
    html = client.get("/en/cart").get_data(as_text=True)
    assert "Your cart is empty." in html


def test_shipping_is_free_above_the_shops_threshold_and_uses_its_own_fee(client):
    shop = ShopFactory()
    db.session.add(ShippingRate(shop_id=shop.id, fee_vnd=25000, free_above_vnd=300000))
    db.session.commit()
    product = ProductFactory(shop=shop, price_vnd=100000)
    add_to_cart(client, product, 2, lang="en")
    html = client.get("/en/cart").get_data(as_text=True)
    assert "₫25,000" in html and "₫225,000" in html
    assert "Free from ₫300,000" in html
    add_to_cart(client, product, 1, lang="en")
    html = client.get("/en/cart").get_data(as_text=True)
    assert "₫300,000" in html and ">Free<" in html


def test_signed_in_cart_is_kept_in_the_database(client, signed_in_buyer):
    product = ProductFactory()
    add_to_cart(client, product, 2)
    assert cart_items(signed_in_buyer) == {product.id: 2}


def test_guest_cart_merges_into_the_buyers_cart_at_sign_in_capped_by_stock(client, auth):
    user = buyer()
    kept, both = ProductFactory(stock=10), ProductFactory(stock=4)
    db.session.add(CartItem(user_id=user.id, product_id=both.id, qty=3))
    db.session.commit()

    add_to_cart(client, kept, 2)
    add_to_cart(client, both, 3)
    auth.login(user.email)

    assert cart_items(user) == {kept.id: 2, both.id: 4}
    assert 'class="cart-count" aria-hidden="true">6<' in client.get("/vi/cart").get_data(
        as_text=True
    )


def test_guest_cart_becomes_the_new_accounts_cart_at_registration(client):
    product = ProductFactory()
    add_to_cart(client, product, 2)
    response = client.post(
        "/vi/register",
        data={
            "name": "Trần Văn An",
            "email": "an@example.com",
            "password": "password123",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    from app.accounts.services import find_user_by_email

    assert cart_items(find_user_by_email("an@example.com")) == {product.id: 2}


def test_staff_sets_shipping_fees_only_for_their_own_shop(client, auth):
    shop, other = ShopFactory(), ShopFactory()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    response = client.post(
        f"/en/manage/{shop.slug}/shipping", data={"fee_vnd": 20000, "free_above_vnd": ""}
    )
    assert response.status_code == 302
    rate = db.session.get(ShippingRate, shop.id)
    assert (rate.fee_vnd, rate.free_above_vnd) == (20000, None)
    assert client.post(f"/en/manage/{shop.slug}/shipping", data={"fee_vnd": -1}).status_code == 400
    assert client.get(f"/en/manage/{other.slug}/shipping").status_code == 403
    assert client.post(f"/en/manage/{other.slug}/shipping", data={"fee_vnd": 0}).status_code == 403
