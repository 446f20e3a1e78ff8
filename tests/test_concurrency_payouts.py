"""Two payout runs started at the same moment, in two OS processes on one SQLite file, pay once.

Each process builds the app on this test's database and waits at a barrier, so both runs
start together; a run begins with a write that serialises it against any other run, which
then finds the balances already paid out.
"""

import multiprocessing
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import AccountKind, Payout, Shop
from app.payouts import ledger
from tests.factories import UserFactory

SHOPS = 150


def run_in_process(database_uri: str, tmp: str, barrier, results) -> None:
    from app import create_app
    from app.payouts import services
    from tests.conftest import _settings

    app = create_app({**_settings(Path(tmp)), "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        barrier.wait(timeout=120)
        report = services.run_payouts()
        results.put(len(report.payouts))


def test_two_payout_runs_at_once_in_two_processes_pay_each_balance_once(app, tmp_path):
    admin = UserFactory(email="admin@example.com", role="admin")
    db.session.execute(
        sa.insert(Shop),
        [
            {
                "slug": f"htx-{n}",
                "name_vi": f"HTX {n}",
                "province_id": 1,
                "payout_bank_bin": "970436",
                "payout_account_no": f"00110012{n:05d}",
                "payout_account_holder": f"HTX {n}",
            }
            for n in range(SHOPS)
        ],
    )
    shops = db.session.scalars(sa.select(Shop).order_by(Shop.id)).all()
    for shop in shops:  # credited by hand, so every shop has money available at once
        ledger.post(
            f"test:{shop.id}",
            "adjustment",
            {(shop.id, AccountKind.AVAILABLE): 100_000, (None, AccountKind.ADJUSTMENTS): -100_000},
            shop_id=shop.id,
            actor=admin,
        )
    db.session.commit()
    shop_ids = [shop.id for shop in shops]
    db.session.remove()

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(
            target=run_in_process,
            args=(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / f"p{n}"), barrier, results),
        )
        for n in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=180)
    assert [p.exitcode for p in processes] == [0, 0]
    counts = sorted(results.get(timeout=5) for _ in processes)

    assert counts == [0, SHOPS]  # one run paid everything, the other found nothing left
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == SHOPS
    paid_shops = db.session.scalars(sa.select(Payout.shop_id).distinct()).all()
    assert len(paid_shops) == SHOPS
    sums = ledger.account_sums()
    assert all(sums[(shop_id, AccountKind.AVAILABLE)] == 0 for shop_id in shop_ids)
    assert all(sums[(shop_id, AccountKind.PAID_OUT)] == 100_000 for shop_id in shop_ids)
