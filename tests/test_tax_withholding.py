"""Tax: household and individual sellers have VAT and PIT withheld on every sale, at the
rates in app/tax/rates.py, booked on its own ledger account, shown on payout lines and
statements, offset by refunds, and filed by the monthly and quarterly exports."""

import csv
import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AccountKind, Refund, RefundStatus, TaxWithholding
from app.models.base import VIETNAM, utcnow
from app.payouts import ledger
from app.payouts import services as payouts
from app.tax import rates
from app.unit_of_work import transaction
from tests.admin_data import shop_order, text_of
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of


def household(**kwargs):
    return ShopFactory(
        slug="ho-ba-lan",
        legal_name="Hộ kinh doanh Bà Lan",
        seller_kind="household",
        seller_type="household_business",
        tax_code=None,
        owner_id_number="066123456789",
        **kwargs,
    )


def sold(shop, qty=2):
    """A delivered sale of qty × 150,000 đồng, booked in the ledger."""
    buyer = UserFactory()
    part = shop_order(buyer, ProductFactory(shop=shop, price_vnd=150_000), qty=qty)
    with transaction():
        ledger.post_sale(part)
    return part


def refund(part, amount):
    with transaction():
        money = Refund(
            order_id=part.order_id,
            shop_order_id=part.id,
            amount_vnd=amount,
            status=RefundStatus.MANUAL,
            reason="hỏng",
        )
        db.session.add(money)
        part.refunded_vnd += amount
        part.order.refunded_vnd += amount
        ledger.post_refund(money)
    return money


def this_month() -> str:
    now = utcnow().astimezone(VIETNAM)
    return f"{now.year:04d}-{now.month:02d}"


def this_quarter() -> str:
    now = utcnow().astimezone(VIETNAM)
    return f"{now.year:04d}Q{(now.month - 1) // 3 + 1}"


def test_the_rates_are_data_with_their_source():
    goods = rates.RATES["goods"]
    assert (goods.vat_bps, goods.pit_bps) == (100, 50)
    assert "NOT verified" in rates.SOURCE and rates.VERIFIED is False


def test_a_household_sale_withholds_vat_and_pit_on_its_own_account(app):
    part = sold(household())
    withheld = db.session.scalar(sa.select(TaxWithholding))
    assert (withheld.revenue_vnd, withheld.vat_vnd, withheld.pit_vnd) == (300_000, 3_000, 1_500)
    assert withheld.rates == "goods:100/50"
    assert ledger.shop_order_sum(part.id, (AccountKind.TAX_WITHHELD,)) == 4_500
    commission = 24_000  # 8% by default
    assert ledger.balance(part.shop).pending_vnd == 300_000 - commission - 4_500
    assert ledger.unbalanced_transactions() == []


def test_a_cooperative_sale_withholds_nothing(app):
    part = sold(ShopFactory(slug="htx-ea-tu"))
    assert db.session.scalar(sa.select(TaxWithholding)) is None
    assert ledger.shop_order_sum(part.id, (AccountKind.TAX_WITHHELD,)) == 0
    assert ledger.balance(part.shop).pending_vnd == 300_000 - 24_000


def test_booking_a_sale_twice_withholds_once(app):
    part = sold(household())
    with transaction():
        ledger.post_sale(part)
    assert db.session.scalar(sa.select(sa.func.count(TaxWithholding.id))) == 1


def test_refunds_give_the_tax_back_in_proportion_and_the_last_one_all_of_it(app):
    part = sold(household())
    refund(part, 100_000)
    assert ledger.shop_order_sum(part.id, (AccountKind.TAX_WITHHELD,)) == 3_000
    refund(part, 200_000)
    assert ledger.shop_order_sum(part.id, (AccountKind.TAX_WITHHELD,)) == 0
    assert ledger.balance(part.shop).pending_vnd == 0
    assert ledger.unbalanced_transactions() == []


def test_staff_see_the_tax_on_payout_lines_and_the_statement(client, auth):
    shop = household()
    sold(shop)
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    page = text_of(client.get("/en/manage/ho-ba-lan/payouts"))
    assert "Tax withheld" in page and "₫4,500" in page
    statement = text_of(client.get(f"/en/manage/ho-ba-lan/payouts/statements/{this_month()}"))
    assert "Tax withheld this month" in statement and "-₫4,500" in statement
    year, month = map(int, this_month().split("-"))
    stmt = payouts.statement(_staff(shop), shop, year, month)
    rows = list(csv.reader(io.StringIO(payouts.statement_csv(stmt))))
    assert rows[0][-1] == "tax_withheld_vnd" and rows[2][-1] == "-4500"


def _staff(shop):
    return shop.members[0].user


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def test_monthly_declaration_has_one_row_per_household_seller_with_refunds_offset(app, runner):
    part = sold(household())
    sold(ShopFactory(slug="htx-ea-tu"))
    refund(part, 100_000)
    result = runner.invoke(args=["tax", "declaration", "--month", this_month()])
    assert result.exit_code == 0, result.output
    rows = read_csv(result.output)
    assert rows == [
        {
            "month": this_month(),
            "seller": "ho-ba-lan",
            "legal_name": "Hộ kinh doanh Bà Lan",
            "seller_type": "household_business",
            "tax_code": "",
            "id_number": "066123456789",
            "address": rows[0]["address"],
            "revenue_vnd": "200000",
            "vat_withheld_vnd": "2000",
            "pit_withheld_vnd": "1000",
            "tax_withheld_vnd": "3000",
        }
    ]
    assert "NOT verified" in result.output
    bad = runner.invoke(args=["tax", "declaration", "--month", "2026-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_quarterly_seller_information_lists_every_seller(app, runner):
    sold(household())
    sold(ShopFactory(slug="htx-ea-tu", tax_code="6001234567"))
    result = runner.invoke(args=["tax", "sellers", "--quarter", this_quarter()])
    assert result.exit_code == 0, result.output
    rows = {row["seller"]: row for row in read_csv(result.output)}
    assert rows["htx-ea-tu"]["tax_code"] == "6001234567"
    assert rows["htx-ea-tu"]["seller_kind"] == "organisation"
    assert rows["htx-ea-tu"]["revenue_vnd"] == "300000"
    assert rows["ho-ba-lan"]["id_number"] == "066123456789"
    assert rows["ho-ba-lan"]["tax_withheld_vnd"] == "4500"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("declaration.csv?month={month}", "tax-declaration"),
        ("sellers.csv?quarter={quarter}", "sellers"),
    ],
)
def test_admins_download_the_exports(client, auth, path, name):
    sold(household())
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    assert "Monthly declaration" in text_of(client.get("/en/admin/tax"))
    url = "/en/admin/tax/" + path.format(month=this_month(), quarter=this_quarter())
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert name in response.headers["Content-Disposition"]
    assert "ho-ba-lan" in response.get_data(as_text=True)
    assert client.get("/en/admin/tax/declaration.csv?month=nope").status_code == 400
