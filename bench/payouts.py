"""How long a payout run takes over 1,000 cooperatives and 100,000 delivered order lines.

    .venv/bin/python bench/payouts.py [--shops 1000] [--lines 100000] [--lines-per-order 4]
                                      [--keep] [--json]

In a temporary folder: migrates a fresh SQLite database (`flask db upgrade`), bulk-inserts
the shops (with bank details), one buyer, the orders (cash on delivery, delivered ten days
ago, cash recorded) with their lines, and books each sale in the ledger the way
`ledger.post_sale` does (commission 8%), in bulk. Then a separate process, so that its peak
memory is the run's own, imports the app and calls `services.run_payouts()`: every sale
leaves its return window, and one bank payout per shop is written with its ledger entries
and the shop orders it carries. It prints the run's wall time and the process's peak
memory (max RSS), with the targets from the issue (< 30 s, < 300 MB); nothing passes or fails.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_SECONDS, TARGET_MB = 30.0, 300.0
CHUNK = 5_000


def environment(workdir: Path) -> dict[str, str]:
    """The checkout benchmark's settings (a database and folders in workdir), plus batches."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from checkout import environment as checkout_environment

    return {**checkout_environment(workdir), "PAYOUT_BATCH_DIR": str(workdir / "batches")}


def chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def prepare(env: dict[str, str], shops: int, lines: int, per_order: int) -> dict:
    """Migrate and fill the database; returns what the run should pay."""
    done = subprocess.run(
        [str(BIN / "flask"), "db", "upgrade"], cwd=REPO, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}{done.stderr}")
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import (
        AccountKind,
        LedgerEntry,
        LedgerTransaction,
        Order,
        OrderLine,
        Payment,
        Shop,
        ShopOrder,
        User,
    )
    from app.payouts import ledger

    app = create_app()
    with app.app_context():
        delivered = datetime.now(UTC) - timedelta(days=10)
        db.session.execute(
            sa.insert(Shop),
            [
                {
                    "slug": f"htx-{n:04d}",
                    "name_vi": f"Hợp tác xã {n}",
                    "province_id": 1 + n % 34,
                    "payout_bank_bin": "970436",
                    "payout_account_no": f"0011{n:09d}",
                    "payout_account_holder": f"HTX SO {n}",
                }
                for n in range(shops)
            ],
        )
        shop_ids = db.session.scalars(sa.select(Shop.id).order_by(Shop.id)).all()
        buyer = User(email="buyer@example.com", name="Bench", password_hash="-")
        db.session.add(buyer)
        db.session.flush()
        orders = lines // per_order
        price, shipping, bps = 50_000, 30_000, 800
        items = price * per_order
        commission = sum(ledger.commission_of(price, bps) for _ in range(per_order))
        common = {"created_at": delivered}
        for batch in chunks(list(range(orders))):
            db.session.execute(
                sa.insert(Order),
                [
                    {
                        "number": f"CHX-2026-{n:07d}",
                        "buyer_id": buyer.id,
                        "email": buyer.email,
                        "locale": "vi",
                        "contact_name": "Lan",
                        "phone": "0912345678",
                        "address": "1 Lê Lợi",
                        "province_id": 1,
                        "payment_method": "cod",
                        "payment_status": "paid",
                        "items_vnd": items,
                        "shipping_vnd": shipping,
                        "total_vnd": items + shipping,
                        "refunded_vnd": 0,
                        **common,
                    }
                    for n in batch
                ],
            )
        order_ids = db.session.scalars(sa.select(Order.id).order_by(Order.id)).all()
        for batch in chunks(list(enumerate(order_ids))):
            db.session.execute(
                sa.insert(ShopOrder),
                [
                    {
                        "number": f"CHX-2026-{n:07d}-1",
                        "order_id": order_id,
                        "shop_id": shop_ids[n % shops],
                        "status": "delivered",
                        "items_vnd": items,
                        "shipping_vnd": shipping,
                        "total_vnd": items + shipping,
                        "refunded_vnd": 0,
                        "commission_bps": bps,
                        **common,
                        "updated_at": delivered,
                    }
                    for n, order_id in batch
                ],
            )
        shop_orders = db.session.execute(
            sa.select(ShopOrder.id, ShopOrder.order_id, ShopOrder.shop_id, ShopOrder.number)
        ).all()
        for batch in chunks(shop_orders, CHUNK // per_order):
            db.session.execute(
                sa.insert(OrderLine),
                [
                    {
                        "shop_order_id": so_id,
                        "shop_id": shop_id,
                        "sku": f"SP-{i}",
                        "unit_price_vnd": price,
                        "qty": 1,
                        "refunded_qty": 0,
                        "commission_bps": bps,
                    }
                    for so_id, _order, shop_id, _number in batch
                    for i in range(per_order)
                ],
            )
            db.session.execute(
                sa.insert(Payment),
                [
                    {
                        "order_id": order_id,
                        "shop_order_id": so_id,
                        "method": "cod",
                        "amount_vnd": items + shipping,
                        "reference": number,
                        **common,
                    }
                    for so_id, order_id, _shop, number in batch
                ],
            )
        # The sales, booked as ledger.post_sale books them (in bulk: this is set-up).
        accounts = ledger.account_ids([*shop_ids, None])
        for batch in chunks(shop_orders):
            created = db.session.execute(
                sa.insert(LedgerTransaction).returning(
                    LedgerTransaction.id, sort_by_parameter_order=True
                ),
                [
                    {
                        "key": f"sale:{so_id}",
                        "kind": "sale",
                        "shop_id": shop_id,
                        "shop_order_id": so_id,
                        "memo": number,
                        **common,
                    }
                    for so_id, _order, shop_id, number in batch
                ],
            ).all()
            entries = []
            for (transaction_id,), (_so, _order, shop_id, _number) in zip(
                created, batch, strict=True
            ):
                for account, amount in (
                    ((None, AccountKind.CLEARING), -(items + shipping)),
                    ((shop_id, AccountKind.PENDING), items + shipping - commission),
                    ((None, AccountKind.COMMISSION), commission),
                ):
                    entries.append(
                        {
                            "transaction_id": transaction_id,
                            "account_id": accounts[account],
                            "amount_vnd": amount,
                        }
                    )
            db.session.execute(sa.insert(LedgerEntry), entries)
        db.session.commit()
        db.engine.dispose()
    return {
        "shops": shops,
        "shop_orders": orders,
        "lines": orders * per_order,
        "expected_vnd": orders * (items + shipping - commission),
    }


def measure() -> None:
    """Child process: one payout run, timed; prints JSON."""
    sys.path.insert(0, str(REPO))
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import Payout
    from app.payouts import services

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        report = services.run_payouts()
        seconds = time.perf_counter() - started
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Payout))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_mb": round(peak_mb, 1),
                "released": report.released,
                "payouts": len(report.payouts),
                "stored_payouts": stored,
                "paid_vnd": report.total_vnd,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--lines-per-order", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure()

    workdir = Path(tempfile.mkdtemp(prefix="bench-payouts-"))
    env = environment(workdir)
    started = time.perf_counter()
    facts = prepare(env, args.shops, args.lines, args.lines_per_order)
    setup = time.perf_counter() - started
    child = subprocess.run(
        [sys.executable, __file__, "--measure"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise SystemExit(f"payout run failed:\n{child.stdout}{child.stderr}")
    result = {
        **facts,
        "setup_seconds": round(setup, 1),
        **json.loads(child.stdout.splitlines()[-1]),
    }
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    else:
        result["folder"] = str(workdir)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"Data: {result['shops']} shops, {result['shop_orders']} delivered shop orders, "
        f"{result['lines']} order lines (set up in {result['setup_seconds']} s)"
    )
    print(
        f"Payout run: {result['seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s), "
        f"peak memory {result['peak_mb']:.0f} MB (target < {TARGET_MB:.0f} MB)"
    )
    print(
        f"  {result['released']} sales released, {result['payouts']} payouts "
        f"({result['stored_payouts']} stored), {result['paid_vnd']} VND "
        f"(expected {result['expected_vnd']})"
    )


if __name__ == "__main__":
    main()
