"""Province statistics: figures equal hand-counted values, the CSV equals the table."""

import csv
import html
import io
import re
from datetime import UTC, date, datetime

import pytest

from app.admin import stats
from app.extensions import db
from app.models import OcopCertificate, ProductStatus, ShopOrderStatus, ShopStatus
from tests.admin_data import shop_order
from tests.factories import ProductFactory, ShopFactory, UserFactory, province


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def certificate(product, stars, issued_on, expires_on, status="verified"):
    db.session.add(
        OcopCertificate(
            product_id=product.id,
            certificate_no=f"OCOP-{product.id}-{stars}-{status}",
            stars=stars,
            issuer="UBND tỉnh",
            issued_on=issued_on,
            expires_on=expires_on,
            status=status,
        )
    )
    db.session.commit()


@pytest.fixture
def marketplace(app):
    """Two provinces, counted by hand below for the period 2026H1 (Vietnam time)."""
    dak_lak, an_giang = province("dak-lak"), province("an-giang")
    a = ShopFactory(province=dak_lak, created_at=utc(2026, 2, 1), verified_at=utc(2026, 2, 5))
    b = ShopFactory(
        province=dak_lak, created_at=utc(2026, 5, 1), status=ShopStatus.PENDING, verified_at=None
    )
    c = ShopFactory(province=dak_lak, created_at=utc(2025, 6, 1), verified_at=utc(2025, 6, 2))
    ShopFactory(
        province=dak_lak, created_at=utc(2026, 3, 1), status=ShopStatus.REJECTED, verified_at=None
    )
    d = ShopFactory(province=an_giang, created_at=utc(2026, 7, 15), verified_at=utc(2026, 7, 16))
    e = ShopFactory(
        province=an_giang,
        created_at=utc(2026, 1, 10),
        verified_at=utc(2026, 1, 11),
        status=ShopStatus.SUSPENDED,
    )
    p1 = ProductFactory(shop=a, created_at=utc(2026, 3, 1))
    ProductFactory(shop=a, created_at=utc(2026, 3, 1), is_hidden=True)
    ProductFactory(shop=a, created_at=utc(2026, 3, 1), status=ProductStatus.PENDING)
    ProductFactory(shop=a, created_at=utc(2026, 8, 1))  # listed after the period
    p5 = ProductFactory(shop=c, created_at=utc(2025, 7, 1))
    ProductFactory(shop=b, created_at=utc(2026, 5, 2))  # its shop is not open
    p7 = ProductFactory(shop=e, created_at=utc(2026, 1, 12))
    ProductFactory(shop=d, created_at=utc(2026, 7, 20))
    certificate(p1, 4, date(2025, 1, 1), date(2027, 12, 31))
    certificate(p5, 3, date(2023, 1, 1), date(2026, 6, 29))  # expired the day before the end
    certificate(p5, 5, date(2026, 1, 1), date(2028, 1, 1), status="pending")
    certificate(p7, 5, date(2026, 1, 1), date(2028, 1, 1))

    lan = UserFactory(locale="vi")
    minh = UserFactory(locale="vi")
    john = UserFactory(locale="en")
    shop_order(lan, p1, qty=2, created_at=utc(2026, 3, 10))
    shop_order(
        john,
        p1,
        created_at=utc(2026, 4, 1),
        status=ShopOrderStatus.PAID,
        payment_method="card",
        payment_status="paid",
    )
    shop_order(lan, p5, created_at=utc(2026, 5, 5), status=ShopOrderStatus.CANCELLED)
    shop_order(minh, p7, created_at=utc(2026, 6, 30, 16, 30))  # 23:30 on 30 June in Vietnam
    shop_order(john, p7, created_at=utc(2026, 6, 30, 17, 30))  # 00:30 on 1 July in Vietnam
    shop_order(  # 06:00 on 1 January in Vietnam, awaiting its transfer
        lan,
        p1,
        created_at=utc(2025, 12, 31, 23, 0),
        status=ShopOrderStatus.PENDING_PAYMENT,
        payment_method="bank_transfer",
    )
    return dak_lak, an_giang


EXPECTED = {
    "dak-lak": stats.Figures(
        shops_new=2,
        shops_verified=1,
        shops_active=2,
        products_listed=2,
        ocop_3=0,
        ocop_4=1,
        ocop_5=0,
        orders=3,
        gmv_vnd=600_000,
        buyers_domestic=1,
        buyers_foreign=1,
        shops_online_payments=1,
    ),
    "an-giang": stats.Figures(
        shops_new=1,
        shops_verified=1,
        shops_active=0,
        products_listed=0,
        ocop_3=0,
        ocop_4=0,
        ocop_5=1,
        orders=1,
        gmv_vnd=150_000,
        buyers_domestic=1,
        buyers_foreign=0,
        shops_online_payments=0,
    ),
    "total": stats.Figures(
        shops_new=3,
        shops_verified=2,
        shops_active=2,
        products_listed=2,
        ocop_3=0,
        ocop_4=1,
        ocop_5=1,
        orders=4,
        gmv_vnd=750_000,
        buyers_domestic=2,
        buyers_foreign=1,
        shops_online_payments=1,
    ),
}


def test_figures_equal_hand_counted_values(marketplace):
    dak_lak, an_giang = marketplace
    figures = stats.compute(stats.parse_period("2026H1"))
    assert figures[dak_lak.id] == EXPECTED["dak-lak"]
    assert figures[an_giang.id] == EXPECTED["an-giang"]
    assert figures[0] == EXPECTED["total"]


def test_one_province_alone_has_the_same_figures(marketplace):
    dak_lak, _ = marketplace
    figures = stats.compute(stats.parse_period("2026H1"), dak_lak)
    assert figures[dak_lak.id] == figures[0] == EXPECTED["dak-lak"]


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026h2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_are_read_as_vietnamese_calendar_halves_and_years(text, first, last):
    period = stats.parse_period(text)
    assert (period.first, period.last) == (first, last)
    assert period.start.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("text", ["2026H3", "H1", "26H1", "", "2026-01"])
def test_bad_periods_are_refused(text):
    with pytest.raises(stats.PeriodError):
        stats.parse_period(text)


def table_cells(page: str) -> list[list[str]]:
    body = page.split('class="stats-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            html.unescape(cell.strip())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def admin(auth):
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")


@pytest.mark.parametrize(
    "query",
    ["period=2026H1", "period=2026H1&province=dak-lak", "from=2026-03-01&to=2026-04-30"],
)
def test_csv_export_equals_the_table(client, admin, marketplace, query):
    page = client.get(f"/en/admin/stats?{query}").get_data(as_text=True)
    table = table_cells(page)
    assert table[0][0] == "Province"
    assert table == csv_rows(client.get(f"/en/admin/stats.csv?{query}"))


def test_page_shows_the_figures_and_svg_charts_without_javascript(client, admin, marketplace):
    page = client.get("/en/admin/stats?period=2026H1").get_data(as_text=True)
    table = table_cells(page)
    assert (
        table[1][0] == "An Giang" and table[2][0] == "Dak Lak" and table[-1][0] == "All provinces"
    )
    assert table[-1][table[0].index("Gross merchandise value (VND)")] == "750000"
    assert table[2][table[0].index("Foreign buyers")] == "1"
    assert page.count("<svg") == 5
    assert 'role="img"' in page and "Gross merchandise value by province" in page
    assert "<script>" not in page


def test_bad_selection_falls_back_with_a_message(client, admin, marketplace):
    for query in (
        "period=2026H9",
        "province=atlantis",
        "from=2026-05-01&to=2026-01-01",
        "from=x&to=y",
    ):
        response = client.get(f"/en/admin/stats?{query}")
        assert response.status_code == 200, query
        assert 'class="flash flash-error"' in response.get_data(as_text=True), query
        assert client.get(f"/en/admin/stats.csv?{query}").status_code == 200


def test_cli_writes_the_six_monthly_csv_of_a_province(app, runner, marketplace, tmp_path):
    out = tmp_path / "dak-lak.csv"
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--province",
            "dak-lak",
            "--period",
            "2026H1",
            "--output",
            str(out),
            "--lang",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    expected = EXPECTED["dak-lak"]
    assert rows[0][0] == "Province" and len(rows) == 2
    assert rows[1] == ["Dak Lak", *(str(getattr(expected, c)) for c in stats.COLUMNS)]
    client = app.test_client()
    UserFactory(email="viewer@example.com", role="viewer")
    client.post("/en/login", data={"email": "viewer@example.com", "password": "password123"})
    web = csv_rows(client.get("/en/admin/stats.csv?period=2026H1&province=dak-lak"))
    assert web == rows


def test_cli_with_dates_and_bad_arguments(runner, marketplace, tmp_path):
    result = runner.invoke(
        args=[
            "stats",
            "report",
            "--province",
            "Đắk Lắk",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--output",
            "-",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "600000" in result.output
    for args, message in (
        (["--province", "atlantis", "--period", "2026H1"], "unknown province"),
        (["--province", "dak-lak", "--period", "2026H5"], "2026H1"),
        (["--province", "dak-lak"], "give --period"),
        (["--province", "dak-lak", "--from", "2026-06-01", "--to", "2026-01-01"], "before"),
    ):
        result = runner.invoke(args=["stats", "report", *args])
        assert result.exit_code != 0
        assert message in result.output, result.output
