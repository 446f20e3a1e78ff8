"""Redis killed and restarted under load, gunicorn with three workers on SQLite: pages,
sign-in, the API and checkout keep answering; rate limits fall back to each worker's memory
(and say so in the log); jobs run at once or wait in the database, none lost; /healthz says
"degraded" with Redis down (200), and "ok" once it is back."""

import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.faults.stack import BIN, REPO, Load, Stack, wait_until
from tests.servers import redis_process


@pytest.fixture
def redis():
    with redis_process() as server:
        yield server


def test_redis_down_and_back_under_load_loses_nothing_and_answers_no_5xx(tmp_path, redis):
    stack = Stack(tmp_path, f"sqlite:///{tmp_path / 'shop.sqlite'}", redis.url).prepare()
    stack.start(workers=3)
    worker = subprocess.Popen(
        [str(BIN / "flask"), "jobs", "worker"],
        cwd=REPO,
        env=stack.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with Load(stack, clients=4, limit=900) as load:
            load.wait_for(60)
            assert stack.health() == (
                200,
                {"status": "ok", "db": "ok", "search": "ok", "redis": "ok"},
            )
            redis.stop(kill=True)
            load.wait_for(150)
            status, health = stack.health()
            assert status == 200
            assert health == {"status": "degraded", "db": "ok", "search": "ok", "redis": "down"}
            redis.start()  # same port, empty: the page cache and counters start afresh
            wait_until(lambda: stack.health()[1]["redis"] == "ok", "healthz sees Redis again")
            load.wait_for(100)
        summary = load.tally.summary()
        assert summary["5xx"] == 0, (summary, stack.log()[-3000:])
        assert summary["unexpected"] == []
        kinds = {a.kind for a in load.tally.answers if a.status in (200, 302)}
        assert {"browse", "search", "sign-in", "checkout"} <= kinds
        assert "falling back to in-memory storage" in stack.log()
        assert load.orders > 0
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        stack.stop()
    invariants = stack.invariants()
    assert all(invariants.values()), invariants
    # Every order's confirmation mail left, through the worker or at once: none lost. Those
    # queued when Redis died went with it, but they are kept in the database until done:
    # once their lease is over (forced here) they are queued again and delivered.
    for command in (["jobs", "retry", "--all"], ["jobs", "worker", "--burst"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=REPO, env=stack.env(), check=True)
    mails = "".join(
        str(mail["Subject"]) + mail.get_body().get_content()
        for mail in (
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in Path(tmp_path / "outbox").glob("*.eml")
        )
    )
    from tests.faults.invariants import order_numbers

    numbers = order_numbers(stack.database_url)
    assert len(numbers) == load.orders
    assert [n for n in numbers if n not in mails] == []
