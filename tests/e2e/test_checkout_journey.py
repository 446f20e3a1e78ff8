"""Buying in a real browser: a guest's cart from two cooperatives, cash on delivery, shipping
by staff, the buyer's timeline; and a card payment through the Stripe Elements flow.

Why the card test serves its own Stripe.js: Stripe.js and Elements load from js.stripe.com,
which this offline machine cannot reach, and the fake Stripe server serves no Elements
(it also accepts only secret keys and sends no CORS headers, as Stripe's API would not let a
page call it with them either). So the test answers the browser's request for
https://js.stripe.com/v3/ with a small stand-in that offers exactly the calls
static/js/checkout.js makes (Stripe(), elements(), create("payment").mount(),
confirmPayment()). Its confirmPayment posts the client secret and card to a test route on
the STRIPE_API_BASE origin (which the Content-Security-Policy lets the page call, as it lets
it call api.stripe.com) that confirms the PaymentIntent on the fake server, as Stripe.js
confirms it on Stripe's, then
Stripe's webhook is delivered to the live server and the browser goes to return_url.
Everything of ours runs for real: the order page, checkout.js, the webhook.
"""

import json
import re

import pytest
import stripe
from playwright.sync_api import Page, expect

from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.fake_stripe import FakeStripe

pytestmark = pytest.mark.e2e

STRIPE_JS_STANDIN = """
window.Stripe = function (publishableKey, options) {
  var clientSecret = null;
  return {
    elements: function (opts) {
      clientSecret = opts.clientSecret;
      return {
        create: function (type) {
          return {
            mount: function (selector) {
              document.querySelector(selector).innerHTML =
                '<label>Card number <input id="card-number" autocomplete="cc-number"></label>';
            }
          };
        }
      };
    },
    confirmPayment: function (args) {
      var card = document.getElementById("card-number").value.replace(/\\s/g, "");
      return fetch("CONFIRM_URL", {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify({ client_secret: clientSecret, card: card })
      })
        .then(function (response) { return response.json(); })
        .then(function (result) {
          if (result.error) return { error: result.error };
          window.location.href = args.confirmParams.return_url;
          return {};
        });
    }
  };
};
"""
# Stripe's test cards, as the fake names their PaymentMethods.
TEST_CARDS = {"4242424242424242": "pm_card_visa", "4000000000000002": "pm_card_chargeDeclined"}


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server("/en/login"))
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server("/en/"))


def add_to_cart(page: Page, live_server, slug: str, qty: int = 1) -> None:
    page.goto(live_server(f"/en/p/{slug}"))
    page.get_by_label("Quantity").fill(str(qty))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("is in your cart")


def fill_delivery(page: Page) -> None:
    page.get_by_label("Phone").fill("0912 345 678")
    page.get_by_label("Street address").fill("12 Lê Lợi")
    page.get_by_label("Commune / ward").fill("Phường Buôn Ma Thuột")
    page.get_by_label("Province").select_option("dak-lak")


def test_guest_buys_from_two_cooperatives_with_cod_and_follows_the_shipping(
    live_server, page, browser
):
    tea = ProductFactory(
        shop=ShopFactory(name_en="Tan Cuong Tea Cooperative"),
        name_en="Green tea",
        price_vnd=120000,
        stock=10,
    )
    honey = ProductFactory(
        shop=ShopFactory(name_en="Ea Kar Honey Cooperative"),
        name_en="Forest honey",
        price_vnd=250000,
        stock=5,
    )
    staff_of(honey.shop, email="honey@example.com")
    tea_slug, honey_slug, honey_shop = tea.slug, honey.slug, honey.shop.slug

    # A guest fills the cart from two cooperatives.
    add_to_cart(page, live_server, tea_slug, 2)
    add_to_cart(page, live_server, honey_slug, 1)
    cart_link = page.get_by_role("link", name="Cart, 3 items")
    expect(cart_link).to_be_visible()
    cart_link.click()
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Ea Kar Honey Cooperative · Dak Lak", "Tan Cuong Tea Cooperative · Dak Lak"]
    )
    expect(page.locator(".cart-summary")).to_contain_text("₫550,000")  # 490,000 + 2 × 30,000

    # Checking out needs an account: the guest registers and comes back with the cart.
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Nguyễn Thị Lan")
    page.get_by_label("Email").fill("lan@example.com")
    page.get_by_label("Password").fill("password123")
    page.get_by_label("I have read and agree to the privacy policy").check()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_server("/en/checkout"))
    expect(page.get_by_label("Full name of the receiver")).to_have_value("Nguyễn Thị Lan")
    fill_delivery(page)
    page.get_by_label("Cash on delivery").check()
    page.get_by_role("button", name="Place order").click()

    # One order, two shop orders.
    expect(page).to_have_url(re.compile(r"/en/orders/CHX-\d{4}-\d{6}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order CHX-")
    order_url = page.url
    sections = page.locator("section.shop-order")
    expect(sections).to_have_count(2)
    expect(sections.get_by_text("Waiting for the cooperative's confirmation")).to_have_count(2)
    expect(page.locator(".cart-count")).to_have_text("0")

    # Staff of one cooperative packs and ships its part.
    staff_context = browser.new_context(locale="en-GB")
    try:
        staff = staff_context.new_page()
        sign_in(staff, live_server, "honey@example.com")
        staff.goto(live_server(f"/en/manage/{honey_shop}/orders"))
        staff.get_by_role("link", name="CHX-").first.click()
        staff.get_by_role("button", name="Mark as packed").click()
        expect(staff.get_by_role("status")).to_contain_text("Marked as packed.")
        staff.get_by_label("Carrier").fill("Viettel Post")
        staff.get_by_label("Tracking number").fill("VTP123456")
        staff.get_by_role("button", name="Mark as shipped").click()
        expect(staff.get_by_role("status")).to_contain_text("Marked as shipped")
    finally:
        staff_context.close()

    # The buyer sees each cooperative's status and the timeline.
    page.goto(order_url)
    honey_part = sections.filter(has_text="Ea Kar Honey Cooperative")
    expect(honey_part).to_contain_text("Shipped")
    expect(honey_part).to_contain_text("Viettel Post, tracking number VTP123456")
    expect(honey_part.locator(".timeline li")).to_have_count(3)
    expect(honey_part.locator(".timeline li strong")).to_have_text(
        ["Order placed", "Packed", "Shipped"]
    )
    expect(sections.filter(has_text="Tan Cuong Tea Cooperative")).to_contain_text(
        "Waiting for the cooperative's confirmation"
    )


@pytest.fixture
def stripe_fake(live_server):
    fake = FakeStripe(webhook_secret="whsec_e2e").start()
    live_server.app.config.update(
        STRIPE_SECRET_KEY="sk_test_e2e",
        STRIPE_PUBLISHABLE_KEY="pk_test_e2e",
        STRIPE_WEBHOOK_SECRET="whsec_e2e",
        STRIPE_API_BASE=fake.url,
    )
    yield fake
    fake.stop()


def serve_stripe_js_standin(page: Page, live_server, fake: FakeStripe) -> None:
    confirm_url = fake.url + "/e2e/confirm"  # answered below; never reaches the fake
    page.route(
        "https://js.stripe.com/**",
        lambda route: route.fulfill(
            status=200,
            content_type="application/javascript",
            body=STRIPE_JS_STANDIN.replace("CONFIRM_URL", confirm_url),
        ),
    )
    client = stripe.StripeClient("sk_test_e2e", base_addresses={"api": fake.url})

    def confirm(route):
        sent = json.loads(route.request.post_data)
        intent_id = sent["client_secret"].split("_secret_")[0]
        method = TEST_CARDS.get(sent["card"], "pm_card_chargeDeclined")
        try:
            client.v1.payment_intents.confirm(intent_id, {"payment_method": method})
            result = {}
        except stripe.CardError as error:
            result = {"error": {"type": "card_error", "message": error.user_message}}
        # Stripe tells our server through the webhook, signed with the endpoint's secret.
        assert fake.deliver(fake.events[-1], live_server("/payments/stripe/webhook")) == 200
        route.fulfill(
            status=200,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": "*"},
            body=json.dumps(result),
        )

    page.route(confirm_url, confirm)


def test_buyer_pays_by_card_through_the_elements_flow(live_server, page, stripe_fake):
    product = ProductFactory(name_en="Robusta coffee", price_vnd=180000, stock=4)
    UserFactory(email="card@example.com", name="Card Buyer")
    slug = product.slug
    serve_stripe_js_standin(page, live_server, stripe_fake)

    sign_in(page, live_server, "card@example.com")
    add_to_cart(page, live_server, slug, 1)
    page.goto(live_server("/en/checkout"))
    fill_delivery(page)
    page.get_by_label("Card (Visa, Mastercard, JCB)").check()
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", name="Pay ₫210,000")).to_be_visible()
    pay = page.get_by_role("button", name="Pay ₫210,000")
    expect(pay).to_be_enabled()  # checkout.js loaded "Stripe.js" and mounted the form

    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    pay.click()
    expect(page.locator("#card-message")).to_have_text("Your card was declined.")

    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    pay.click()
    expect(page.locator("section.shop-order")).to_contain_text("Paid")
    expect(page.get_by_role("heading", name="Pay ₫210,000")).to_have_count(0)
    (intent,) = stripe_fake.payment_intents.values()
    assert (intent["status"], intent["amount"], intent["currency"]) == ("succeeded", 210000, "vnd")


def test_card_page_says_so_when_stripe_js_cannot_load(live_server, page, stripe_fake):
    product = ProductFactory(price_vnd=50000, stock=2)
    UserFactory(email="offline@example.com")
    slug = product.slug
    page.route("https://js.stripe.com/**", lambda route: route.abort())

    sign_in(page, live_server, "offline@example.com")
    add_to_cart(page, live_server, slug, 1)
    page.goto(live_server("/en/checkout"))
    fill_delivery(page)
    page.get_by_label("Card (Visa, Mastercard, JCB)").check()
    page.get_by_role("button", name="Place order").click()

    expect(page.locator("#card-status")).to_contain_text("The card form could not load.")
    expect(page.get_by_role("button", name="Pay ₫80,000")).to_be_disabled()
    expect(page.get_by_role("button", name="Cancel order")).to_be_visible()
