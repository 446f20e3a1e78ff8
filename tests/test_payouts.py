"""Payouts: real orders through checkout and the staff services, into the ledger and out again.

Sale → delivery → return window → payout → refund after payout → negative balance → the next
sale nets it; a failed bank payout; Stripe Connect transfers and reversals against the fake
Stripe server; statements that close on the ledger's balance; who may see and do what.
"""

# ruff: noqa: F811 (pytest injects the fixtures imported from tests.shopping by name)

import csv
import io
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Category,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutRun,
    PayoutShopOrder,
    Refund,
    ShopOrder,
)
from app.orders import services as orders
from app.payouts import ledger, services
from tests.factories import ProductFactory, ShopFactory, staff_of
from tests.shopping import (  # noqa: F401
    as_a_request,
    buyer,
    fake_stripe,
    order,
    placed_order,
    post_event,
    stripe_client,
)

BANK_DETAILS = {
    "bank_bin": "970436",
    "account_no": "0011001234567",
    "account_holder": "Hợp tác xã Ea Kar",
}


def sell(client, auth, product, qty: int, staff, deliver: bool = True) -> ShopOrder:
    """A buyer orders (cash on delivery); staff pack, ship and (by default) deliver it."""
    auth.login("buyer@example.com", lang="en")
    placed = placed_order(client, [(product, qty)])
    auth.logout(lang="en")
    shop_order = db.session.get(ShopOrder, placed.shop_orders[0].id)
    with as_a_request():
        orders.pack(staff, shop_order)
        orders.ship(staff, shop_order, "Viettel Post", f"VT{shop_order.id}")
        if deliver:
            orders.deliver(staff, shop_order)
    return shop_order


def balance(shop) -> dict:
    db.session.expire_all()
    return ledger.balance(shop).as_dict()


def window_passes(app) -> None:
    """The return window is over for every sale so far (a window of 0 days from now on)."""
    app.config["RETURN_WINDOW_DAYS"] = 0


def assert_books_balance() -> None:
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_vnd), 0)))
    assert total == 0
    assert ledger.unbalanced_transactions() == []


def test_sale_delivery_window_payout_refund_negative_balance_and_next_sale_nets_it(
    app, client, auth, coop
):
    shop, product, staff, admin = coop

    # 2 × 100,000 + 30,000 shipping, minus 8% of the goods (16,000).
    first = sell(client, auth, product, 2, staff)
    assert first.commission_bps == 800
    assert balance(shop) == {
        "shop": "htx-ea-kar",
        "pending_vnd": 214_000,
        "available_vnd": 0,
        "paid_out_vnd": 0,
        "balance_vnd": 214_000,
    }

    inside_window = services.run_payouts()
    assert inside_window.payouts == [] and inside_window.released == 0
    assert balance(shop)["pending_vnd"] == 214_000

    window_passes(app)
    report = services.run_payouts()
    assert report.released == 1
    assert [(p.shop_slug, p.method, p.amount_vnd) for p in report.payouts] == [
        ("htx-ea-kar", "bank", 214_000)
    ]
    assert balance(shop) == {
        "shop": "htx-ea-kar",
        "pending_vnd": 0,
        "available_vnd": 0,
        "paid_out_vnd": 214_000,
        "balance_vnd": 0,
    }
    payout = db.session.get(Payout, report.payouts[0].payout_id)
    with as_a_request():
        services.mark_paid(admin, payout, "FT2633400123")
    assert db.session.get(Payout, payout.id).status == "paid"

    # The buyer sends one unit back after the payout: 100,000 refunded, 8,000 commission back.
    with as_a_request():
        orders.refund(staff, db.session.get(ShopOrder, first.id), {first.lines[0].id: 1}, "Bị vỡ")
    assert balance(shop)["available_vnd"] == -92_000
    assert balance(shop)["balance_vnd"] == -92_000
    assert services.run_payouts().payouts == []  # nothing to pay while negative

    # The next sale (3 units: 300,000 + 30,000 − 24,000) nets the debt.
    second = sell(client, auth, product, 3, staff)
    report = services.run_payouts()
    assert [p.amount_vnd for p in report.payouts] == [306_000 - 92_000]
    carried = db.session.scalars(
        sa.select(PayoutShopOrder.shop_order_id).where(
            PayoutShopOrder.payout_id == report.payouts[0].payout_id
        )
    ).all()
    assert carried == [second.id]  # each order travels with one payout
    figures = balance(shop)
    assert figures["paid_out_vnd"] == 214_000 + 214_000
    assert figures["balance_vnd"] == 0
    # Paid out never exceeds what was earned minus refunds.
    assert figures["paid_out_vnd"] == (214_000 + 306_000) - 92_000
    assert_books_balance()


def test_a_second_run_at_once_or_later_pays_nothing_more(app, client, auth, coop):
    shop, product, staff, _admin = coop
    sell(client, auth, product, 1, staff)
    window_passes(app)
    assert len(services.run_payouts().payouts) == 1
    assert services.run_payouts().payouts == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 1


def test_a_run_that_pays_nobody_is_not_recorded_but_releases_stay(app, client, auth, coop):
    shop, product, staff, _admin = coop
    shop.payout_bank_bin = None  # nowhere to send it: the shop is skipped
    db.session.commit()
    sell(client, auth, product, 1, staff)
    window_passes(app)
    auth.login("admin@example.com", lang="en")

    done = client.post("/en/admin/payouts/run", data={"run": "1"}, follow_redirects=True)

    assert "Nothing to pay: no balance has reached its minimum." in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutRun)) == 0
    assert balance(shop)["available_vnd"] == 122_000  # released by the run all the same
    assert services.run_payouts().run_id is None


def test_dry_run_previews_and_changes_nothing(app, client, auth, coop):
    shop, product, staff, _admin = coop
    sell(client, auth, product, 1, staff)
    window_passes(app)
    before = balance(shop)
    preview = services.run_payouts(dry_run=True)
    assert [(p.shop_slug, p.amount_vnd, p.payout_id) for p in preview.payouts] == [
        ("htx-ea-kar", 122_000, None)
    ]
    assert balance(shop) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 0


def test_a_failed_bank_payout_puts_the_money_back_and_the_next_run_pays_it(app, client, auth, coop):
    shop, product, staff, admin = coop
    sell(client, auth, product, 1, staff)
    window_passes(app)
    payout_id = services.run_payouts().payouts[0].payout_id
    assert balance(shop)["available_vnd"] == 0

    with as_a_request():
        services.mark_failed(admin, db.session.get(Payout, payout_id), "Tài khoản không tồn tại")
    payout = db.session.get(Payout, payout_id)
    assert (payout.status, payout.failure_reason) == ("failed", "Tài khoản không tồn tại")
    assert balance(shop) == {
        "shop": "htx-ea-kar",
        "pending_vnd": 0,
        "available_vnd": 122_000,
        "paid_out_vnd": 0,
        "balance_vnd": 122_000,
    }
    with pytest.raises(services.PayoutError):
        services.mark_paid(admin, payout, "FT123456")  # a failed payout stays failed
    again = services.run_payouts().payouts
    assert [p.amount_vnd for p in again] == [122_000]
    carried = db.session.scalars(
        sa.select(PayoutShopOrder.shop_order_id).where(
            PayoutShopOrder.payout_id == again[0].payout_id
        )
    ).all()
    assert len(carried) == 1  # the order travels with the new payout
    assert (
        db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payout.failed")).reason
        == "Tài khoản không tồn tại"
    )
    assert_books_balance()


def test_cod_cash_not_yet_recorded_is_not_payable(app, client, auth, coop):
    """The ledger pays only for money actually received: no COD payment, no release."""
    shop, product, staff, _admin = coop
    shop_order = sell(client, auth, product, 1, staff, deliver=False)
    ledger.post_sale(shop_order, staff)  # delivered in the books, but no cash recorded
    db.session.commit()
    window_passes(app)
    assert services.run_payouts().payouts == []
    assert balance(shop)["pending_vnd"] == 122_000


def test_the_same_event_posted_twice_changes_nothing(app, client, auth, coop):
    shop, product, staff, _admin = coop
    shop_order = sell(client, auth, product, 1, staff)
    before = balance(shop)
    assert ledger.post_sale(db.session.get(ShopOrder, shop_order.id)) is None
    db.session.commit()
    assert balance(shop) == before
    count = db.session.scalar(
        sa.select(sa.func.count()).where(LedgerTransaction.key == f"sale:{shop_order.id}")
    )
    assert count == 1


def test_refund_inside_the_window_comes_off_pending(app, client, auth, coop):
    shop, product, staff, _admin = coop
    shop_order = sell(client, auth, product, 2, staff)
    with as_a_request():
        orders.refund(staff, db.session.get(ShopOrder, shop_order.id), None, "Hàng hỏng")
    assert balance(shop)["pending_vnd"] == 0  # everything refunded, commission all back
    commission = db.session.scalar(
        sa.select(sa.func.sum(LedgerEntry.amount_vnd))
        .join(LedgerTransaction)
        .where(LedgerTransaction.shop_order_id == shop_order.id, LedgerEntry.amount_vnd != 0)
        .where(LedgerEntry.account.has(kind="commission"))
    )
    assert commission == 0
    assert_books_balance()


def test_refund_of_a_parcel_in_transit_books_the_sale_and_the_refund(app, client, auth, coop):
    shop, product, staff, _admin = coop
    shop_order = sell(client, auth, product, 2, staff, deliver=False)
    shop_order = db.session.get(ShopOrder, shop_order.id)
    # Cash on delivery: nothing was paid, so nothing to refund before delivery.
    with pytest.raises(orders.OrderStateError):
        orders.refund(staff, shop_order, {shop_order.lines[0].id: 1}, "Thất lạc")
    assert balance(shop)["balance_vnd"] == 0


def test_commission_follows_shop_then_category_then_default_and_is_snapshotted(
    app, client, auth, coop
):
    shop, product, staff, _admin = coop
    category = db.session.scalar(sa.select(Category).order_by(Category.id))
    category.commission_bps = 500
    product.category = category
    db.session.commit()
    by_category = sell(client, auth, product, 1, staff)
    assert by_category.lines[0].commission_bps == 500
    assert balance(shop)["pending_vnd"] == 130_000 - 5_000

    shop.commission_bps = 300
    db.session.commit()
    by_shop = sell(client, auth, product, 1, staff)
    assert (by_shop.commission_bps, by_shop.lines[0].commission_bps) == (300, 300)

    shop.commission_bps = 2_000  # a later change does not touch orders already placed
    db.session.commit()
    orders.deliver  # noqa: B018 (already delivered above)
    assert balance(shop)["pending_vnd"] == (130_000 - 5_000) + (130_000 - 3_000)


def test_manual_adjustment_needs_an_admin_and_a_reason_and_is_audited(app, coop):
    shop, _product, staff, admin = coop
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):
        services.adjust(staff, shop, 50_000, "Thưởng")
    with pytest.raises(services.PayoutError):
        services.adjust(admin, shop, 50_000, "   ")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction)) == 0

    with as_a_request():
        services.adjust(admin, shop, -20_000, "Phí vận chuyển thu thiếu")
    assert balance(shop)["available_vnd"] == -20_000
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payout.adjust"))
    assert (entry.actor_id, entry.reason, entry.details) == (
        admin.id,
        "Phí vận chuyển thu thiếu",
        {"amount_vnd": -20_000},
    )
    assert_books_balance()


# --- Stripe Connect -------------------------------------------------------------------------


def onboard(client, auth, shop, fake) -> str:
    """Staff connect the shop: our page sends them to Stripe, they finish, they come back."""
    auth.login("staff@example.com", lang="en")
    response = client.post(f"/en/manage/{shop.slug}/payouts/stripe")
    assert response.status_code == 302
    db.session.expire_all()
    account_id = shop.stripe_account_id
    assert response.headers["Location"] == f"{fake.url}/onboarding/{account_id}"
    assert fake.account_links[-1]["return_url"].endswith(
        f"/en/manage/{shop.slug}/payouts/settings?stripe=return"
    )
    fake.complete_onboarding(account_id)
    page = client.get(f"/en/manage/{shop.slug}/payouts/settings?stripe=return")
    assert "Onboarding not finished" in page.get_data(as_text=True)  # a page only reads
    page = client.post(f"/en/manage/{shop.slug}/payouts/stripe/status", follow_redirects=True)
    assert "Payouts are sent to your Stripe account" in page.get_data(as_text=True)
    auth.logout(lang="en")
    return account_id


def test_connect_transfer_carries_the_order_number_and_a_refund_reverses_it(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    account_id = onboard(client, auth, shop, fake_stripe)
    shop_order = sell(client, auth, product, 2, staff)
    window_passes(app)

    report = services.run_payouts()
    assert [(p.method, p.amount_vnd, p.status) for p in report.payouts] == [
        ("stripe", 214_000, "paid")
    ]
    payout = db.session.get(Payout, report.payouts[0].payout_id)
    assert payout.status == "paid"
    transfer = fake_stripe.transfers[payout.stripe_transfer_id]
    assert (transfer["amount"], transfer["currency"], transfer["destination"]) == (
        214_000,
        "vnd",
        account_id,
    )
    assert transfer["transfer_group"] == shop_order.order.number
    assert balance(shop)["paid_out_vnd"] == 214_000

    # A refund after the transfer takes the shop's share back from it.
    with as_a_request():
        orders.refund(
            staff, db.session.get(ShopOrder, shop_order.id), {shop_order.lines[0].id: 1}, "Vỡ"
        )
    transfer = fake_stripe.transfers[payout.stripe_transfer_id]
    assert transfer["amount_reversed"] == 92_000
    assert balance(shop) == {
        "shop": "htx-ea-kar",
        "pending_vnd": 0,
        "available_vnd": 0,  # settled by the reversal: nothing carried forward
        "paid_out_vnd": 214_000 - 92_000,
        "balance_vnd": 0,
    }
    assert services.run_payouts().payouts == []
    assert_books_balance()


def test_connect_transfer_refused_by_stripe_fails_the_payout_and_keeps_the_money(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    shop.stripe_account_id, shop.stripe_payouts_enabled = "acct_unknown", True
    db.session.commit()
    sell(client, auth, product, 1, staff)
    window_passes(app)
    payout_id = services.run_payouts().payouts[0].payout_id
    payout = db.session.get(Payout, payout_id)
    assert payout.status == "failed" and "acct_unknown" in payout.failure_reason
    assert balance(shop)["available_vnd"] == 122_000


# --- statements -----------------------------------------------------------------------------


def test_statement_closing_balance_equals_the_ledger(app, client, auth, coop):
    shop, product, staff, admin = coop
    first = sell(client, auth, product, 2, staff)
    window_passes(app)
    services.run_payouts()
    with as_a_request():
        orders.refund(staff, db.session.get(ShopOrder, first.id), {first.lines[0].id: 1}, "Vỡ")
    sell(client, auth, product, 1, staff)
    with as_a_request():
        services.adjust(admin, shop, 5_000, "Bù phí")

    year, month = services.current_month()
    stmt = services.statement(staff, shop, year, month)
    assert stmt.opening_vnd == 0
    assert stmt.closing_vnd == balance(shop)["balance_vnd"] == -92_000 + 122_000 + 5_000
    assert [row.kind for row in stmt.rows] == ["sale", "payout", "refund", "sale", "adjustment"]
    sale = stmt.rows[0]
    assert (sale.gross_vnd, sale.commission_vnd, sale.net_vnd) == (230_000, -16_000, 214_000)
    refund = stmt.rows[2]
    assert (refund.gross_vnd, refund.commission_vnd, refund.net_vnd) == (-100_000, 8_000, -92_000)

    # Next month opens on this month's closing balance.
    following = services.statement(staff, shop, year + (month == 12), month % 12 + 1)
    assert following.opening_vnd == stmt.closing_vnd and following.rows == []


def test_staff_see_balance_statement_printable_view_and_csv(app, client, auth, coop):
    shop, product, staff, _admin = coop
    sold = sell(client, auth, product, 2, staff)
    auth.login("staff@example.com", lang="en")

    page = client.get(f"/en/manage/{shop.slug}/payouts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sales in the return window" in html and sold.number in html
    assert "₫214,000" in html

    year, month = services.current_month()
    label = f"{year:04d}-{month:02d}"
    statement = client.get(f"/en/manage/{shop.slug}/payouts/statements/{label}")
    html = statement.get_data(as_text=True)
    assert statement.status_code == 200
    assert "Opening balance" in html and "Closing balance" in html and sold.number in html

    for path in ("payouts", f"payouts/statements/{label}", "payouts/settings"):
        assert client.get(f"/vi/manage/{shop.slug}/{path}").status_code == 200
    printable = client.get(f"/en/manage/{shop.slug}/payouts/statements/{label}/print")
    assert printable.status_code == 200 and "Print this page" in printable.get_data(as_text=True)

    exported = client.get(f"/en/manage/{shop.slug}/payouts/statements/{label}.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "date",
        "type",
        "reference",
        "description",
        "gross_vnd",
        "commission_vnd",
        "net_vnd",
        "tax_withheld_vnd",
    ]
    assert rows[2][1:3] == ["sale", sold.number]
    assert rows[2][4:] == ["230000", "-16000", "214000", "0"]  # a cooperative: nothing withheld
    assert rows[-1][1:] == ["closing_balance", "", "", "", "", "214000", ""]

    assert client.get(f"/en/manage/{shop.slug}/payouts/statements/2026-13").status_code == 404


def test_staff_save_bank_details_and_a_bad_bin_is_refused(app, client, auth, coop):
    shop, _product, _staff, _admin = coop
    auth.login("staff@example.com", lang="en")
    url = f"/en/manage/{shop.slug}/payouts/settings"
    bad = client.post(url, data={**BANK_DETAILS, "bank_bin": "97043"})
    assert bad.status_code == 400
    assert "A bank BIN has 6 digits" in bad.get_data(as_text=True)
    saved = client.post(
        url, data={**BANK_DETAILS, "bank_bin": "970418", "account_no": "1234 5678 90"}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert (shop.payout_bank_bin, shop.payout_account_no) == ("970418", "1234567890")


def test_staff_pick_their_bank_by_name_and_the_bin_is_stored(app, client, auth, coop):
    shop, _product, _staff, _admin = coop
    auth.login("staff@example.com", lang="vi")
    url = f"/vi/manage/{shop.slug}/payouts/settings"
    html = client.get(url).get_data(as_text=True)
    assert "<select" in html and 'name="bank_bin"' in html
    assert '<option selected value="970436">Vietcombank – Ngân hàng TMCP Ngoại thương' in html
    assert '<option value="970446">Co-opBank – Ngân hàng Hợp tác xã Việt Nam' in html
    assert 'type="text" value="970436"' not in html  # no code to type

    saved = client.post(url, data={**BANK_DETAILS, "bank_bin": "970446"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert shop.payout_bank_bin == "970446"

    unknown = client.post(url, data={**BANK_DETAILS, "bank_bin": "123456"})
    assert unknown.status_code == 400
    assert "Chọn ngân hàng của bạn trong danh sách." in unknown.get_data(as_text=True)
    missing = client.post(url, data={**BANK_DETAILS, "bank_bin": ""})
    assert missing.status_code == 400
    assert "Chọn ngân hàng của bạn." in missing.get_data(as_text=True)
    db.session.expire_all()
    assert shop.payout_bank_bin == "970446"


def test_a_stored_bin_missing_from_the_bank_list_is_kept(app, client, auth, coop):
    shop, _product, _staff, _admin = coop
    shop.payout_bank_bin = "970999"
    db.session.commit()
    auth.login("staff@example.com", lang="en")
    url = f"/en/manage/{shop.slug}/payouts/settings"
    assert '<option selected value="970999">970999</option>' in client.get(url).get_data(
        as_text=True
    )
    assert client.post(url, data={**BANK_DETAILS, "bank_bin": "970999"}).status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/en/manage/htx-ea-kar/payouts",
        "/en/manage/htx-ea-kar/payouts/settings",
        "/en/manage/htx-ea-kar/payouts/statements/2026-11",
        "/en/manage/htx-ea-kar/payouts/statements/2026-11/print",
        "/en/manage/htx-ea-kar/payouts/statements/2026-11.csv",
    ],
)
def test_staff_of_another_shop_get_403(app, client, auth, coop, path):
    staff_of(ShopFactory(), email="other@example.com")
    auth.login("other@example.com", lang="en")
    assert client.get(path).status_code == 403
    assert (
        client.post("/en/manage/htx-ea-kar/payouts/settings", data=BANK_DETAILS).status_code == 403
    )


def test_only_admins_open_the_payout_screens(app, client, auth, coop):
    auth.login("staff@example.com", lang="en")
    assert client.get("/en/admin/payouts").status_code == 403
    response = client.post(
        "/en/admin/payouts/adjust", data={"shop": "htx-ea-kar", "amount_vnd": 1000, "reason": "x"}
    )
    assert response.status_code == 403
    assert client.post("/en/admin/payouts/run", data={"run": "1"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction)) == 0


def test_admin_previews_runs_downloads_the_batch_and_marks_paid(app, client, auth, coop):
    shop, product, staff, _admin = coop
    sell(client, auth, product, 1, staff)
    window_passes(app)
    auth.login("admin@example.com", lang="en")

    preview = client.post("/en/admin/payouts/run", data={"preview": "1"})
    assert preview.status_code == 200
    assert "Preview: nothing is paid yet" in preview.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 0

    done = client.post("/en/admin/payouts/run", data={"run": "1"})
    assert done.status_code == 302
    payout = db.session.scalar(sa.select(Payout))
    batch = client.get(f"/en/admin/payouts/runs/{payout.run_id}/batch.csv")
    rows = list(csv.reader(io.StringIO(batch.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["shop", "bank BIN", "account number", "account holder", "amount", "transfer message"],
        [
            "htx-ea-kar",
            "970436",
            "0011001234567",
            "HOP TAC XA EA KAR",
            "122000",
            f"CHOHTX PO{payout.id}",
        ],
    ]
    page = client.get("/en/admin/payouts").get_data(as_text=True)
    assert f"PO{payout.id}" in page and "Commission earned" in page and "₫8,000" in page

    refused = client.post(f"/en/admin/payouts/{payout.id}/paid", data={"reference": "x"})
    assert refused.status_code == 400
    paid = client.post(f"/en/admin/payouts/{payout.id}/paid", data={"reference": "FT26334"})
    assert paid.status_code == 302
    db.session.expire_all()
    assert (payout.status, payout.reference) == ("paid", "FT26334")


def test_admin_adjustment_without_reason_is_refused_on_the_page(app, client, auth, coop):
    auth.login("admin@example.com", lang="en")
    response = client.post(
        "/en/admin/payouts/adjust", data={"shop": "htx-ea-kar", "amount_vnd": 5000, "reason": ""}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction)) == 0
    unknown = client.post(
        "/en/admin/payouts/adjust", data={"shop": "nope", "amount_vnd": 5000, "reason": "Bù"}
    )
    assert unknown.status_code == 400 and "No shop has this address" in unknown.get_data(
        as_text=True
    )
    ok = client.post(
        "/en/admin/payouts/adjust", data={"shop": "htx-ea-kar", "amount_vnd": 5000, "reason": "Bù"}
    )
    assert ok.status_code == 302


# --- CLI ------------------------------------------------------------------------------------


def test_cli_balance_json_run_batch_file_and_mark_paid(app, client, auth, coop, runner, tmp_path):
    shop, product, staff, _admin = coop
    sell(client, auth, product, 1, staff)

    result = runner.invoke(args=["payouts", "balance", "htx-ea-kar", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "shop": "htx-ea-kar",
        "pending_vnd": 122_000,
        "available_vnd": 0,
        "paid_out_vnd": 0,
        "balance_vnd": 122_000,
    }
    window_passes(app)
    dry = runner.invoke(args=["payouts", "run", "--dry-run"])
    assert "Dry run: would pay: 1 payout(s), 122000 VND in all." in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 0

    result = runner.invoke(args=["payouts", "run"])
    assert result.exit_code == 0, result.output
    payout = db.session.scalar(sa.select(Payout))
    batch = tmp_path / "batches" / f"payout-batch-{payout.run_id}.csv"
    assert f"Bank batch file: {batch}" in result.output
    assert "htx-ea-kar,970436,0011001234567,HOP TAC XA EA KAR,122000," in batch.read_text()

    refused = runner.invoke(
        args=[
            "payouts",
            "mark-paid",
            str(payout.id),
            "--reference",
            "FT1",
            "--by",
            "staff@example.com",
        ]
    )
    assert refused.exit_code != 0 and "is not an admin" in refused.output
    paid = runner.invoke(
        args=[
            "payouts",
            "mark-paid",
            str(payout.id),
            "--reference",
            "FT123",
            "--by",
            "admin@example.com",
        ]
    )
    assert paid.exit_code == 0, paid.output
    bad_day = runner.invoke(args=["payouts", "run", "--until", "30/11/2026"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output
    unknown = runner.invoke(args=["payouts", "balance", "nope", "--json"])
    assert unknown.exit_code != 0 and "No shop 'nope'" in unknown.output


def test_account_updated_webhook_turns_stripe_payouts_on(app, client, coop, fake_stripe):
    shop, _product, _staff, _admin = coop
    account = fake_stripe.accounts  # created through the gateway, as the staff page does
    from app.payments import stripe_gateway

    shop.stripe_account_id = stripe_gateway.create_connected_account(shop_key=str(shop.id))
    db.session.commit()
    assert shop.stripe_account_id in account
    event = fake_stripe.complete_onboarding(shop.stripe_account_id)
    assert post_event(client, fake_stripe, event).status_code == 200
    db.session.expire_all()
    assert shop.stripe_payouts_enabled is True
    assert services.payout_method(shop) == "stripe"


def test_admin_marks_a_bank_payout_failed_on_the_page(app, client, auth, coop):
    shop, product, staff, _admin = coop
    sell(client, auth, product, 1, staff)
    window_passes(app)
    payout_id = services.run_payouts().payouts[0].payout_id
    auth.login("admin@example.com", lang="en")
    assert client.post(f"/en/admin/payouts/{payout_id}/lost", data={}).status_code == 404
    assert client.post(f"/en/admin/payouts/{payout_id}/failed", data={}).status_code == 400
    response = client.post(
        f"/en/admin/payouts/{payout_id}/failed", data={"reason": "Sai số tài khoản"}
    )
    assert response.status_code == 302
    page = client.get("/en/admin/payouts").get_data(as_text=True)
    assert f"Payout {payout_id} failed: the money is back on the shop&#39;s balance." in page
    assert balance(shop)["available_vnd"] == 122_000


def test_card_sale_paid_out_by_connect_then_refunded_by_card_reverses_the_transfer(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    onboard(client, auth, shop, fake_stripe)
    shop_order = paid_by_card(client, auth, product, 2, fake_stripe)
    with as_a_request():
        orders.pack(staff, shop_order)
    with as_a_request():
        orders.ship(staff, shop_order, "GHN", "GHN1")
    with as_a_request():
        orders.deliver(staff, shop_order)
    window_passes(app)

    payout = db.session.get(Payout, services.run_payouts().payouts[0].payout_id)
    assert (
        fake_stripe.transfers[payout.stripe_transfer_id]["transfer_group"]
        == shop_order.order.number
    )

    with as_a_request():
        orders.refund(
            staff, db.session.get(ShopOrder, shop_order.id), {shop_order.lines[0].id: 1}, "Vỡ"
        )
    (refund,) = fake_stripe.refunds.values()
    assert refund["amount"] == 100_000  # the buyer's card gets the unit back
    assert fake_stripe.transfers[payout.stripe_transfer_id]["amount_reversed"] == 92_000
    assert balance(shop)["balance_vnd"] == 0
    assert_books_balance()


def test_ledger_rows_cannot_be_changed_or_deleted(app, coop):
    shop, _product, _staff, admin = coop
    with as_a_request():
        services.adjust(admin, shop, 10_000, "Bù phí")
    entry = db.session.scalar(sa.select(LedgerEntry))
    entry.amount_vnd = 1
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(LedgerTransaction)))
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert balance(shop)["available_vnd"] == 10_000


def test_admin_sets_shop_and_category_rates_audited_and_bad_ones_refused(app, client, auth, coop):
    shop, _product, _staff, _admin = coop
    category = db.session.scalar(sa.select(Category).order_by(Category.id))
    auth.login("admin@example.com", lang="en")
    url = "/en/admin/payouts/rates"
    saved = client.post(
        url, data={"target": shop.slug, "commission_bps": 500, "payout_minimum_vnd": 200_000}
    )
    assert saved.status_code == 302
    assert (
        client.post(url, data={"target": category.slug, "commission_bps": 300}).status_code == 302
    )
    assert client.post(url, data={"target": shop.slug, "commission_bps": 9000}).status_code == 400
    unknown = client.post(url, data={"target": "nope", "commission_bps": 100})
    assert unknown.status_code == 400
    assert "No shop or category has this address." in unknown.get_data(as_text=True)
    db.session.expire_all()
    assert (shop.commission_bps, shop.payout_minimum_vnd, category.commission_bps) == (
        500,
        200_000,
        300,
    )
    assert services.payout_minimum(shop) == 200_000
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["payout.terms", "payout.category_rate"]
    auth.logout(lang="en")
    auth.login("staff@example.com", lang="en")
    assert client.post(url, data={"target": shop.slug, "commission_bps": 0}).status_code == 403


# --- refunds made in the Stripe dashboard ----------------------------------------------------


def paid_by_card(client, auth, product, qty: int, fake) -> ShopOrder:
    """A card order of `qty` teas (+ 30,000 đ shipping), paid: Stripe's webhook said so."""
    auth.login("buyer@example.com", lang="en")
    placed = placed_order(client, [(product, qty)], "card", lang="en")
    auth.logout(lang="en")
    stripe_client(fake).v1.payment_intents.confirm(
        placed.stripe_payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    assert post_event(client, fake, fake.events[-1]).json["outcome"] == "paid"
    return db.session.get(ShopOrder, order(placed.number).shop_orders[0].id)


def refund_in_dashboard(client, fake, shop_order: ShopOrder, amount: int):
    """What the operator does in Stripe's dashboard, then the webhook Stripe sends."""
    stripe_client(fake).v1.refunds.create(
        {"payment_intent": shop_order.order.stripe_payment_intent_id, "amount": amount}
    )
    event = fake.events[-1]
    assert post_event(client, fake, event).json["outcome"] == "refund outside"
    db.session.expire_all()  # the webhook's request wrote in its own session
    return event


def deliver(staff, shop_order: ShopOrder) -> None:
    with as_a_request():
        orders.pack(staff, shop_order)
    with as_a_request():
        orders.ship(staff, shop_order, "GHN", f"GHN{shop_order.id}")
    with as_a_request():
        orders.deliver(staff, db.session.get(ShopOrder, shop_order.id))


def test_a_dashboard_refund_after_delivery_comes_off_the_cooperatives_balance(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    shop_order = paid_by_card(client, auth, product, 2, fake_stripe)
    deliver(staff, shop_order)
    assert balance(shop)["pending_vnd"] == 230_000 - 16_000  # 8% of the teas

    event = refund_in_dashboard(client, fake_stripe, shop_order, 50_000)

    db.session.expire_all()
    (refund,) = db.session.scalars(sa.select(Refund))
    assert (refund.amount_vnd, refund.status, refund.lines) == (50_000, "succeeded", [])
    assert refund.shop_order_id == shop_order.id and refund.created_by_id is None
    part = db.session.get(ShopOrder, shop_order.id)
    assert part.refunded_vnd == 50_000 and part.order.refunded_vnd == 50_000
    assert part.order.payment_status == "partially_refunded"
    assert part.status == "delivered"  # staff decide whether goods come back
    commission_back = 16_000 * 50_000 // 230_000
    assert balance(shop)["pending_vnd"] == 214_000 - (50_000 - commission_back)
    assert_books_balance()
    assert post_event(client, fake_stripe, event).json["outcome"] == "duplicate"
    assert len(db.session.scalars(sa.select(Refund)).all()) == 1
    auth.login("staff@example.com", lang="en")
    page = client.get(f"/en/manage/{shop.slug}/orders/{part.number}").get_data(as_text=True)
    assert page.count("₫50,000 was refunded outside Chợ HTX (in Stripe).") == 2  # refund, timeline

    # The parcel comes back after all: refunding "everything" sends what is left.
    with as_a_request():
        orders.refund(staff, db.session.get(ShopOrder, shop_order.id), None, "Trả hàng")
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [50_000, 180_000]
    assert balance(shop)["pending_vnd"] == 0
    assert db.session.get(ShopOrder, shop_order.id).order.payment_status == "refunded"
    assert_books_balance()


def test_money_refunded_before_the_parcel_left_is_booked_with_the_sale(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    shop_order = paid_by_card(client, auth, product, 2, fake_stripe)
    refund_in_dashboard(client, fake_stripe, shop_order, 30_000)
    assert db.session.scalars(sa.select(LedgerTransaction)).all() == []  # nothing sold yet
    assert balance(shop)["balance_vnd"] == 0

    deliver(staff, db.session.get(ShopOrder, shop_order.id))
    kinds = db.session.scalars(sa.select(LedgerTransaction.kind).order_by(LedgerTransaction.id))
    assert list(kinds) == ["sale", "refund"]
    assert balance(shop)["pending_vnd"] == 214_000 - (30_000 - 16_000 * 30_000 // 230_000)
    assert_books_balance()


def test_cancelling_after_a_dashboard_refund_returns_only_what_is_left(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    shop_order = paid_by_card(client, auth, product, 2, fake_stripe)
    refund_in_dashboard(client, fake_stripe, shop_order, 30_000)
    with as_a_request():
        orders.staff_cancel(staff, db.session.get(ShopOrder, shop_order.id), "Hết hàng")
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [30_000, 200_000]
    assert db.session.get(ShopOrder, shop_order.id).order.payment_status == "refunded"
    assert db.session.scalars(sa.select(LedgerTransaction)).all() == []
    assert balance(shop)["balance_vnd"] == 0


def test_a_dashboard_refund_of_a_two_cooperative_order_is_shared_in_proportion(
    app, client, auth, coop, fake_stripe
):
    shop, tea, staff, _admin = coop
    other = ShopFactory(slug="htx-gao")
    rice = ProductFactory(shop=other, price_vnd=340_000, stock=10)
    auth.login("buyer@example.com", lang="en")
    placed = placed_order(client, [(tea, 1), (rice, 1)], "card", lang="en")
    auth.logout(lang="en")
    stripe_client(fake_stripe).v1.payment_intents.confirm(
        placed.stripe_payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    post_event(client, fake_stripe, fake_stripe.events[-1])
    parts = {s.shop_id: s for s in order(placed.number).shop_orders}
    assert (parts[shop.id].total_vnd, parts[other.id].total_vnd) == (130_000, 370_000)

    refund_in_dashboard(client, fake_stripe, parts[shop.id], 100_001)

    db.session.expire_all()
    shares = dict(db.session.execute(sa.select(Refund.shop_order_id, Refund.amount_vnd)).all())
    assert shares == {parts[shop.id].id: 26_000, parts[other.id].id: 74_001}
    assert order(placed.number).refunded_vnd == 100_001


def test_split_in_proportion_adds_up_exactly():
    from app.payments.stripe_events import split_in_proportion

    assert split_in_proportion(100_001, [130_000, 370_000]) == [26_000, 74_001]
    assert split_in_proportion(10, [10, 10, 10]) == [4, 3, 3]
    assert split_in_proportion(999, [100, 200]) == [100, 200]  # never more than is left
    assert split_in_proportion(5, [0, 0]) == [0, 0]


def test_a_retried_refund_goes_out_as_a_first_one_does_and_reverses_the_transfer(
    app, client, auth, coop, fake_stripe
):
    shop, product, staff, _admin = coop
    onboard(client, auth, shop, fake_stripe)
    shop_order = paid_by_card(client, auth, product, 2, fake_stripe)
    deliver(staff, shop_order)
    window_passes(app)
    payout = db.session.get(Payout, services.run_payouts().payouts[0].payout_id)
    intent = shop_order.order.stripe_payment_intent_id
    shop_order.order.stripe_payment_intent_id = "pi_unknown"  # Stripe will refuse the refund
    db.session.commit()

    auth.login("staff@example.com", lang="en")
    base = f"/en/manage/{shop.slug}/orders/{shop_order.number}"
    line_id = shop_order.lines[0].id
    response = client.post(f"{base}/refund", data={"reason": "Vỡ", f"qty-{line_id}": "1"})
    assert response.status_code == 409 and "Stripe did not refund" in response.get_data(True)
    refund = db.session.scalar(sa.select(Refund))
    assert refund.status == "failed"
    assert fake_stripe.transfers[payout.stripe_transfer_id]["amount_reversed"] == 0

    db.session.get(ShopOrder, shop_order.id).order.stripe_payment_intent_id = intent
    db.session.commit()
    response = client.post(f"/en/manage/{shop.slug}/refunds/{refund.id}/retry")

    assert response.status_code == 302
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [100_000]
    # The cooperative's share (100,000 less 8% commission) comes back from the transfer.
    assert fake_stripe.transfers[payout.stripe_transfer_id]["amount_reversed"] == 92_000
    assert balance(shop)["balance_vnd"] == 0
    assert_books_balance()
