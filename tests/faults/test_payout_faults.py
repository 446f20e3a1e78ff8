"""A payout run killed (SIGKILL) while it sends a Stripe Connect transfer: the run's payouts
were committed before any transfer left, so a second run pays no balance twice; it sends
the interrupted transfer again with the same idempotency key, and Stripe, which did make
it, answers with that same transfer: the cooperative is paid exactly once."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import Payout
from tests.faults.invariants import check
from tests.faults.stack import REPO, wait_until
from tests.test_payouts import assert_books_balance, balance, onboard, sell


def payouts_run_process(app, fake, tmp_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "REDIS_URL")}
    env.update(
        FLASK_APP="wsgi.py",
        SECRET_KEY="test-secret",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_DIR=str(tmp_path / "instance"),
        SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
        UPLOAD_DIR=app.config["UPLOAD_DIR"],
        MAIL_OUTBOX_DIR=app.config["MAIL_OUTBOX_DIR"],
        PAYOUT_BATCH_DIR=app.config["PAYOUT_BATCH_DIR"],
        RETURN_WINDOW_DAYS="0",
        STRIPE_SECRET_KEY="sk_test_chohtx",
        STRIPE_PUBLISHABLE_KEY="pk_test_chohtx",
        STRIPE_WEBHOOK_SECRET="whsec_test",
        STRIPE_API_BASE=fake.url,
    )
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen(
        [str(flask), "payouts", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_payout_run_killed_while_sending_a_transfer_pays_once_when_run_again(
    app,
    client,
    auth,
    coop,
    fake_stripe,
    runner,
    tmp_path,
):
    shop, product, staff, _admin = coop
    onboard(client, auth, shop, fake_stripe)
    sell(client, auth, product, 2, staff)
    app.config["RETURN_WINDOW_DAYS"] = 0
    # Stripe takes its time: the run is killed while it waits for the transfer's answer.
    fake_stripe.inject("delay", count=1, path="/v1/transfers", seconds=2)
    process = payouts_run_process(app, fake_stripe, tmp_path)
    wait_until(lambda: fake_stripe.faulted == 1 or process.poll() is not None, "transfer sent")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    db.session.expire_all()
    (payout,) = db.session.scalars(sa.select(Payout))
    assert payout.status == "pending" and payout.stripe_transfer_id is None
    assert balance(shop)["available_vnd"] == 0  # taken off the balance when written
    wait_until(lambda: len(fake_stripe.transfers) == 1, "Stripe made the transfer anyway")

    result = runner.invoke(args=["payouts", "run"])
    assert result.exit_code == 0, result.output
    assert "0 payout(s)" in result.output  # no balance paid twice
    db.session.expire_all()
    payout = db.session.get(Payout, payout.id)
    assert payout.status == "paid"
    assert list(fake_stripe.transfers) == [payout.stripe_transfer_id]  # one transfer, ever
    assert balance(shop)["paid_out_vnd"] == payout.amount_vnd
    assert runner.invoke(args=["payouts", "run"]).exit_code == 0
    assert len(fake_stripe.transfers) == 1
    assert_books_balance()
    invariants = check(app.config["SQLALCHEMY_DATABASE_URI"], {product.id: 100})
    assert all(invariants.values()), invariants
