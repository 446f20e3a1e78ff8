"""The shop order state machine: every legal move by whom, every illegal one refused, all logged.

Plus what moves cause: stock back on cancel and refund, cash recorded at delivery, unpaid
card/transfer orders expiring (`flask orders expire`), and staff permissions per shop.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

from datetime import timedelta
from itertools import product as pairs

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import OrderEvent, Payment, Refund, ShopOrder, ShopOrderStatus
from app.models.base import utcnow
from app.orders.states import BUYER, STAFF, SYSTEM, TRANSITIONS, OrderStateError, transition
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of
from tests.shopping import (  # noqa: F401
    bank_account,
    buyer,
    order,
    placed_order,
    stock_of,
    submit_form,
)

S = ShopOrderStatus


@pytest.fixture
def cod_order(client, auth):
    """A buyer's cash-on-delivery order of 3 units from one cooperative with one staff member."""
    product = ProductFactory(name_en="Green tea", price_vnd=100000, stock=10)
    staff_of(product.shop, email="staff@example.com")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 3)])
    auth.logout(lang="en")
    return placed, product


def staff_post(client, shop_order, action, lang="en", **data):
    return client.post(
        f"/{lang}/manage/{shop_order.shop.slug}/orders/{shop_order.number}/{action}", data=data
    )


def events_of(shop_order) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(OrderEvent)
        .where(OrderEvent.shop_order_id == shop_order.id)
        .order_by(OrderEvent.id)
    )
    return [(e.from_status, e.to_status, e.actor.email if e.actor else None) for e in rows]


def test_staff_takes_a_cod_order_from_packing_to_completed_and_each_move_is_logged(
    client, auth, cod_order, outbox
):
    placed, product = cod_order
    part = placed.shop_orders[0]
    auth.login("staff@example.com", lang="en")

    assert staff_post(client, part, "pack").status_code == 302
    response = staff_post(client, part, "ship", carrier="Viettel Post", tracking_number="VT123")
    assert response.status_code == 302
    assert staff_post(client, part, "deliver").status_code == 302
    assert staff_post(client, part, "complete").status_code == 302

    staff = "staff@example.com"
    assert events_of(part) == [
        (None, "awaiting_confirmation", "buyer@example.com"),
        ("awaiting_confirmation", "packed", staff),
        ("packed", "shipped", staff),
        ("shipped", "delivered", staff),
        ("delivered", "completed", staff),
    ]
    done = order(placed.number)
    assert (done.shop_orders[0].carrier, done.shop_orders[0].tracking_number) == (
        "Viettel Post",
        "VT123",
    )
    cash = db.session.scalar(sa.select(Payment).where(Payment.order_id == done.id))
    assert (cash.method, cash.amount_vnd, cash.reference) == ("cod", 330000, part.number)
    assert done.payment_status == "paid"
    (shipped_mail,) = [m for m in outbox() if "đang được giao đến bạn" in m["Subject"]]
    assert "VT123" in shipped_mail.get_content() and "Viettel Post" in shipped_mail.get_content()
    assert stock_of(product) == 7


def test_buyer_sees_status_tracking_and_timeline(client, auth, cod_order):
    placed, _ = cod_order
    part = placed.shop_orders[0]
    auth.login("staff@example.com", lang="en")
    staff_post(client, part, "pack")
    staff_post(client, part, "ship", carrier="VNPost", tracking_number="EE123456789VN")
    auth.logout(lang="en")
    auth.login("buyer@example.com", lang="en")
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "Shipped" in html and "EE123456789VN" in html and "VNPost" in html
    timeline = html[html.index('<ol class="timeline">') :]
    assert timeline.index("Order placed") < timeline.index("Packed") < timeline.index("EE12345")


# Every pair of states that is not a legal move, for every actor, must be refused.
ILLEGAL = [
    (source, target, role)
    for source, target in pairs(S.ALL, S.ALL)
    for role in (BUYER, STAFF, SYSTEM)
    if role not in TRANSITIONS.get((source, target), ())
]


def test_every_illegal_move_is_refused_and_leaves_no_trace(client, cod_order):
    placed, _ = cod_order
    part_id = placed.shop_orders[0].id
    events = db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent))
    accepted = []
    for source, target, role in ILLEGAL:
        part = db.session.get(ShopOrder, part_id)
        part.status = source
        db.session.commit()
        try:
            transition(part, target, role)
            accepted.append((source, target, role))
        except OrderStateError:
            pass
        db.session.rollback()
        assert db.session.get(ShopOrder, part_id).status == source
    assert accepted == []
    assert len(ILLEGAL) > 200  # 9 × 9 states × 3 actors, minus the legal moves
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent)) == events


def test_every_legal_move_is_made_once_and_logged(client, cod_order):
    placed, _ = cod_order
    part_id = placed.shop_orders[0].id
    for (source, target), roles in sorted(TRANSITIONS.items()):
        for role in sorted(roles):
            part = db.session.get(ShopOrder, part_id)
            part.status = source
            db.session.commit()
            transition(part, target, role)  # pending → packed is legal here: cash on delivery
            db.session.commit()
            assert events_of(part)[-1][:2] == (source, target)
            with pytest.raises(OrderStateError):  # the same move again is now illegal or stale
                stale = db.session.get(ShopOrder, part_id)
                db.session.execute(
                    sa.update(ShopOrder).where(ShopOrder.id == part_id).values(status=S.CANCELLED),
                    execution_options={"synchronize_session": False},
                )
                stale.status  # noqa: B018 - loaded before the other worker's change
                transition(stale, target, role)
            db.session.rollback()


def test_a_stale_move_is_refused(client, cod_order):
    placed, _ = cod_order
    part = db.session.get(ShopOrder, placed.shop_orders[0].id)
    # Another worker cancels the order after this one loaded it.
    db.session.execute(
        sa.update(ShopOrder).where(ShopOrder.id == part.id).values(status=S.CANCELLED),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(OrderStateError, match="changed meanwhile"):
        transition(part, S.PACKED, STAFF)


def test_card_and_transfer_orders_are_not_packed_before_payment(client, auth, bank_account):
    product = ProductFactory()
    staff_of(product.shop, email="staff@example.com")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 1)], "bank_transfer")
    auth.logout(lang="en")
    auth.login("staff@example.com", lang="en")
    response = staff_post(client, placed.shop_orders[0], "pack")
    assert response.status_code == 409
    assert "cannot go from “Waiting for payment” to “Packed”" in response.get_data(as_text=True)
    assert order(placed.number).shop_orders[0].status == "pending_payment"


def test_shipping_needs_carrier_and_tracking_number(client, auth, cod_order):
    placed, _ = cod_order
    part = placed.shop_orders[0]
    auth.login("staff@example.com", lang="en")
    staff_post(client, part, "pack")
    response = staff_post(client, part, "ship", carrier="GHN", tracking_number="")
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert order(placed.number).shop_orders[0].status == "packed"


def test_buyer_cancels_a_part_before_packing_and_the_stock_returns(client, auth):
    tea = ProductFactory(stock=10, shop=ShopFactory(name_en="Tea"))
    rice = ProductFactory(stock=10, shop=ShopFactory(name_en="Rice"))
    staff_of(rice.shop, email="rice@example.com")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(tea, 2), (rice, 3)])
    tea_part, rice_part = sorted(placed.shop_orders, key=lambda s: s.shop.name_en != "Tea")

    response = client.post(
        f"/en/orders/{placed.number}/cancel", data={"shop_order_id": tea_part.id}
    )
    assert response.status_code == 302
    assert stock_of(tea) == 10 and stock_of(rice) == 7
    assert events_of(tea_part)[-1] == ("awaiting_confirmation", "cancelled", "buyer@example.com")
    auth.logout(lang="en")

    auth.login("rice@example.com", lang="en")
    staff_post(client, rice_part, "pack")
    auth.logout(lang="en")
    auth.login("buyer@example.com", lang="en")
    response = client.post(
        f"/en/orders/{placed.number}/cancel", data={"shop_order_id": rice_part.id}
    )
    assert response.status_code == 409
    assert "already packed" in response.get_data(as_text=True)
    assert stock_of(rice) == 7


def two_cooperatives_order(client, auth, payment_method="cod"):
    tea = ProductFactory(stock=10, price_vnd=100000, shop=ShopFactory(name_en="Tea"))
    rice = ProductFactory(stock=10, price_vnd=50000, shop=ShopFactory(name_en="Rice"))
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(tea, 2), (rice, 3)], payment_method)
    tea_part, rice_part = sorted(placed.shop_orders, key=lambda s: s.shop.name_en != "Tea")
    return placed, tea, rice, tea_part, rice_part


def test_cod_buyer_cancels_one_part_with_the_button_on_the_order_page(client, auth):
    placed, tea, rice, tea_part, rice_part = two_cooperatives_order(client, auth)
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)

    response = submit_form(client, html, "Cancel the part from Tea")

    assert response.status_code == 302
    assert {s.shop.name_en: s.status for s in order(placed.number).shop_orders} == {
        "Tea": "cancelled",
        "Rice": "awaiting_confirmation",
    }
    assert stock_of(tea) == 10 and stock_of(rice) == 7
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "Cancel the part from Tea" not in html and "Cancel the part from Rice" in html


def test_paid_transfer_buyer_cancels_one_part_and_it_is_refunded(client, auth, bank_account):
    placed, tea, _, tea_part, _ = two_cooperatives_order(client, auth, "bank_transfer")
    auth.logout(lang="en")
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    client.post(f"/en/orders/{placed.number}/confirm-transfer", data={"reference": "FT77"})
    auth.logout(lang="en")
    auth.login("buyer@example.com", lang="en")
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)

    response = submit_form(client, html, "Cancel the part from Tea")

    assert response.status_code == 302
    cancelled = order(placed.number)
    assert [s.status for s in cancelled.shop_orders if s.id == tea_part.id] == ["cancelled"]
    assert cancelled.refunded_vnd == 230000 and stock_of(tea) == 10  # 2 × 100,000 + shipping
    refund = db.session.scalar(sa.select(Refund))
    assert (refund.amount_vnd, refund.on_cancel) == (230000, True)


def test_cod_orders_await_the_cooperatives_confirmation_not_a_payment(client, auth, cod_order):
    placed, product = cod_order
    part = placed.shop_orders[0]
    for lang, waiting, wrong in (
        ("en", "Waiting for the cooperative&#39;s confirmation", "Waiting for payment"),
        ("vi", "Chờ hợp tác xã xác nhận", "Chờ thanh toán"),
    ):
        auth.login("buyer@example.com", lang=lang)
        html = client.get(f"/{lang}/orders/{placed.number}").get_data(as_text=True)
        assert waiting in html and wrong not in html
        html = client.get(f"/{lang}/orders").get_data(as_text=True)
        assert waiting in html and wrong not in html
        auth.logout(lang=lang)
        auth.login("staff@example.com", lang=lang)
        html = client.get(f"/{lang}/manage/{product.shop.slug}/orders").get_data(as_text=True)
        assert waiting in html
        page = f"/{lang}/manage/{product.shop.slug}/orders/{part.number}"
        html = client.get(page).get_data(as_text=True)
        assert waiting in html and wrong not in html
        auth.logout(lang=lang)
    # The cooperative confirms by packing; then the buyer can no longer cancel.
    auth.login("staff@example.com", lang="en")
    assert staff_post(client, part, "pack").status_code == 302
    assert events_of(part)[-1] == ("awaiting_confirmation", "packed", "staff@example.com")


def test_buyer_cancels_an_unpaid_transfer_order_as_a_whole(client, auth, bank_account):
    tea, rice = ProductFactory(stock=5), ProductFactory(stock=5)
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(tea, 1), (rice, 2)], "bank_transfer")
    assert client.post(f"/en/orders/{placed.number}/cancel").status_code == 302
    assert {s.status for s in order(placed.number).shop_orders} == {"cancelled"}
    assert (stock_of(tea), stock_of(rice)) == (5, 5)


def test_staff_cancel_needs_a_reason_that_the_buyer_reads(client, auth, cod_order):
    placed, product = cod_order
    part = placed.shop_orders[0]
    auth.login("staff@example.com", lang="en")
    assert staff_post(client, part, "cancel", reason=" ").status_code == 400
    assert staff_post(client, part, "cancel", reason="Mưa lũ, không giao được").status_code == 302
    assert stock_of(product) == 10
    auth.logout(lang="en")
    auth.login("buyer@example.com", lang="en")
    html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "Cancelled" in html and "Mưa lũ, không giao được" in html


def test_cod_refund_per_line_after_delivery_returns_stock_and_is_recorded(client, auth, cod_order):
    placed, product = cod_order
    part = placed.shop_orders[0]
    line = part.lines[0]
    auth.login("staff@example.com", lang="en")
    response = staff_post(
        client, part, "refund", reason="Vỡ", refund_lines="1", **{f"qty-{line.id}": "1"}
    )
    assert response.status_code == 409  # not shipped yet: cancel instead
    for action, data in (
        ("pack", {}),
        ("ship", {"carrier": "GHN", "tracking_number": "G1"}),
        ("deliver", {}),
    ):
        staff_post(client, part, action, **data)

    response = staff_post(
        client, part, "refund", reason="One jar broke", refund_lines="1", **{f"qty-{line.id}": "1"}
    )
    assert response.status_code == 302
    assert stock_of(product) == 8
    refunded = order(placed.number)
    assert refunded.shop_orders[0].status == "partially_refunded"
    assert refunded.shop_orders[0].lines[0].refunded_qty == 1
    assert (refunded.refunded_vnd, refunded.payment_status) == (100000, "partially_refunded")
    refund = db.session.scalar(sa.select(Refund))
    assert (refund.status, refund.amount_vnd) == ("manual", 100000)  # paid back by hand

    too_many = staff_post(
        client, part, "refund", reason="x", refund_lines="1", **{f"qty-{line.id}": "3"}
    )
    assert too_many.status_code == 409
    response = staff_post(client, part, "refund", reason="Returned", refund_all="1")
    assert response.status_code == 302
    refunded = order(placed.number)
    assert refunded.shop_orders[0].status == "refunded"
    assert (refunded.refunded_vnd, refunded.payment_status) == (330000, "refunded")
    assert stock_of(product) == 10


def test_staff_see_and_move_only_their_own_shops_orders(client, auth, cod_order):
    placed, _ = cod_order
    part = placed.shop_orders[0]
    other_shop = ShopFactory()
    staff_of(other_shop, email="other@example.com")
    auth.login("other@example.com", lang="en")
    assert client.get(f"/en/manage/{part.shop.slug}/orders").status_code == 403
    assert client.get(f"/en/manage/{part.shop.slug}/orders/{part.number}").status_code == 403
    assert staff_post(client, part, "pack").status_code == 403
    # through their own shop's URL the order simply does not exist
    assert client.get(f"/en/manage/{other_shop.slug}/orders/{part.number}").status_code == 404
    assert client.post(f"/en/manage/{other_shop.slug}/orders/{part.number}/pack").status_code == 404
    assert order(placed.number).shop_orders[0].status == "awaiting_confirmation"


def test_staff_order_list_filters_by_status_and_search(client, auth, cod_order):
    placed, product = cod_order
    auth.login("buyer@example.com", lang="en")
    other = placed_order(client, [(product, 1)])
    auth.logout(lang="en")
    auth.login("staff@example.com", lang="en")
    staff_post(client, other.shop_orders[0], "pack")
    slug = product.shop.slug
    html = client.get(f"/en/manage/{slug}/orders").get_data(as_text=True)
    assert placed.shop_orders[0].number in html and other.shop_orders[0].number in html
    html = client.get(f"/en/manage/{slug}/orders?status=packed").get_data(as_text=True)
    assert placed.shop_orders[0].number not in html and other.shop_orders[0].number in html
    html = client.get(f"/en/manage/{slug}/orders?q={placed.number}").get_data(as_text=True)
    assert placed.shop_orders[0].number in html and other.shop_orders[0].number not in html
    html = client.get(f"/en/manage/{slug}/orders?q=0912345678").get_data(as_text=True)
    assert placed.shop_orders[0].number in html


def test_packing_slip_is_printable(client, auth, cod_order):
    placed, _ = cod_order
    part = placed.shop_orders[0]
    auth.login("staff@example.com", lang="en")
    html = client.get(f"/en/manage/{part.shop.slug}/orders/{part.number}/slip").get_data(
        as_text=True
    )
    assert "Packing slip" in html and "Green tea" in html and "Nguyễn Thị Lan" in html
    assert "Cash on delivery: collect ₫330,000" in html
    css = client.get("/static/css/site.css").get_data(as_text=True)
    assert "@media print" in css and "body.packing-slip" in css


# --- expiry ----------------------------------------------------------------------------------


def test_flask_orders_expire_cancels_unpaid_transfer_orders_and_returns_their_stock(
    app,
    client,
    auth,
    runner,
    bank_account,
):
    product = ProductFactory(stock=5)
    auth.login(buyer().email, lang="en")
    overdue = placed_order(client, [(product, 2)], "bank_transfer")
    fresh = placed_order(client, [(product, 1)], "bank_transfer")
    cod = placed_order(client, [(product, 1)], "cod")
    db.session.get(type(overdue), overdue.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert stock_of(product) == 1

    result = runner.invoke(args=["orders", "expire"])

    assert result.exit_code == 0 and "1 unpaid order(s) expired." in result.output
    assert {s.status for s in order(overdue.number).shop_orders} == {"cancelled"}
    assert order(overdue.number).shop_orders[0].cancel_reason
    assert events_of(order(overdue.number).shop_orders[0])[-1] == (
        "pending_payment",
        "cancelled",
        None,  # the system did it
    )
    assert order(fresh.number).shop_orders[0].status == "pending_payment"
    assert order(cod.number).shop_orders[0].status == "awaiting_confirmation"
    assert stock_of(product) == 3
    assert "0 unpaid order(s) expired." in runner.invoke(args=["orders", "expire"]).output


def test_the_order_page_reads_an_overdue_order_as_expired_and_the_job_expires_it(
    app, client, auth, runner, bank_account
):
    product = ProductFactory(stock=5)
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 2)], "bank_transfer", lang="en")
    deadline = app.config["BANK_TRANSFER_TIMEOUT_MINUTES"]
    with clock.advanced_by(timedelta(minutes=deadline, seconds=1)):
        html = client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
        assert "Not paid in time" in html and "<svg" not in html and "Cancelled" in html
        assert "Cancel order" not in html
        assert stock_of(product) == 3  # the page only reads: the job gives the stock back
        assert order(placed.number).shop_orders[0].status == "pending_payment"

        assert "1 unpaid order(s) expired." in runner.invoke(args=["orders", "expire"]).output
    assert order(placed.number).shop_orders[0].status == "cancelled"
    assert stock_of(product) == 5


def test_a_paid_transfer_order_never_expires(client, auth, runner, bank_account):
    product = ProductFactory(stock=5)
    UserFactory(email="admin@example.com", role="admin")
    auth.login(buyer().email, lang="en")
    placed = placed_order(client, [(product, 1)], "bank_transfer")
    auth.logout(lang="en")
    auth.login("admin@example.com", lang="en")
    client.post(f"/en/orders/{placed.number}/confirm-transfer", data={"reference": "FT9"})
    db.session.get(type(placed), placed.id).expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert "0 unpaid order(s) expired." in runner.invoke(args=["orders", "expire"]).output
    assert order(placed.number).shop_orders[0].status == "paid"


# --- what the buyer reads about money --------------------------------------------------------


def test_paid_timeline_names_each_parts_own_amount(client, auth, bank_account):
    placed, _, _, tea_part, rice_part = two_cooperatives_order(client, auth, "bank_transfer")
    auth.logout(lang="en")
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    client.post(f"/en/orders/{placed.number}/confirm-transfer", data={"reference": "FT78"})
    notes = {e.shop_order_id: e.note for e in order(placed.number).events if e.to_status == "paid"}
    # 2 × 100.000 + 30.000 and 3 × 50.000 + 30.000; the whole order is 410.000 ₫
    assert notes == {
        tea_part.id: "Đã nhận thanh toán: 230.000\xa0₫",
        rice_part.id: "Đã nhận thanh toán: 180.000\xa0₫",
    }


def test_order_history_total_leaves_out_cancelled_and_refunded_parts(client, auth):
    placed, _, _, tea_part, rice_part = two_cooperatives_order(client, auth)
    html = client.get("/en/orders").get_data(as_text=True)
    assert "₫410,000" in html
    client.post(f"/en/orders/{placed.number}/cancel", data={"shop_order_id": tea_part.id})
    html = client.get("/en/orders").get_data(as_text=True)
    row = html[html.index(placed.number) :]
    assert "₫180,000" in row and "of ₫410,000 ordered" in row

    # The rice arrives, one bag is refunded: the buyer paid ₫130,000 in the end.
    auth.logout(lang="en")
    staff_of(rice_part.shop, email="rice@example.com")
    auth.login("rice@example.com", lang="en")
    for action, data in (
        ("pack", {}),
        ("ship", {"carrier": "GHN", "tracking_number": "G1"}),
        ("deliver", {}),
    ):
        assert staff_post(client, rice_part, action, **data).status_code == 302
    line = rice_part.lines[0]
    data = {"reason": "Torn bag", "refund_lines": "1", f"qty-{line.id}": "1"}
    assert staff_post(client, rice_part, "refund", **data).status_code == 302
    auth.logout(lang="en")
    auth.login("buyer@example.com", lang="en")
    html = client.get("/vi/orders").get_data(as_text=True)
    row = html[html.index(placed.number) :]
    assert "130.000\xa0₫" in row and "410.000\xa0₫" in row


def run_migration_step(name: str, step: str) -> None:
    """Run one migration's upgrade() or downgrade() on the test database, as Alembic would."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = next(Path("migrations/versions").glob(f"*_{name}_*.py"))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db.session.remove()
    with (
        db.engine.begin() as connection,
        Operations.context(MigrationContext.configure(connection)),
    ):
        getattr(module, step)()


def test_the_migration_moves_open_cod_orders_to_awaiting_confirmation(client, auth, bank_account):
    product = ProductFactory(stock=10)
    auth.login(buyer().email, lang="en")
    cod = placed_order(client, [(product, 1)], "cod").number
    transfer = placed_order(client, [(product, 1)], "bank_transfer").number

    run_migration_step("c1a000000001", "downgrade")  # the rows as they were written before
    assert order(cod).shop_orders[0].status == "pending_payment"
    assert [e.to_status for e in order(cod).events] == ["pending_payment"]

    run_migration_step("c1a000000001", "upgrade")
    assert order(cod).shop_orders[0].status == "awaiting_confirmation"
    assert [e.to_status for e in order(cod).events] == ["awaiting_confirmation"]
    assert order(transfer).shop_orders[0].status == "pending_payment"  # still unpaid
