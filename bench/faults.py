"""Faults under load: what buyers saw while a part failed, and how long until it recovered.

    .venv/bin/python bench/faults.py [--clients 4] [--requests 300] [--only redis,postgres,workers]

For each fault, a fresh stack from tests/faults/stack.py (a migrated database with a small
catalogue and buyers, gunicorn with --workers sync workers in production mode) and the same
load loop the fault tests use (browse, search page and API, sign-in, add to cart and COD
checkout), then:

    redis     redis-server killed (SIGKILL), then started again on its port (SQLite)
    postgres  PostgreSQL stopped (sessions terminated), then started again
    workers   every gunicorn worker killed (SIGKILL) at once; the master starts new ones

It prints, per fault: requests sent, answered, 5xx (and how many were not 503s), time to
recover (from the part coming back, or the kill, to /healthz answering 200 and the load
answering without 5xx), and the database invariants checked (tests/faults/invariants.py).
The load runs on the same machine as the server: figures are indications, never targets.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.faults.stack import Load, Stack, wait_until  # noqa: E402
from tests.servers import postgres_server, redis_process  # noqa: E402


def recovered_after(stack: Stack, load: Load, since: float) -> float:
    """Seconds from `since` until /healthz says 200 and a further answer is not a 5xx."""
    wait_until(lambda: stack.health()[0] == 200, "healthz 200", seconds=120, every=0.05)
    wait_until(
        lambda: any(0 < a.status < 500 for a in load.tally.since(time.monotonic() - 0.05)),
        "a good answer",
        seconds=60,
        every=0.02,
    )
    return time.monotonic() - since


def fault_redis(workdir: Path, args) -> dict:
    with redis_process() as redis:
        stack = Stack(workdir, f"sqlite:///{workdir / 'shop.sqlite'}", redis.url).prepare()
        stack.start(args.workers)
        try:
            with Load(stack, clients=args.clients, limit=args.requests * 3) as load:
                load.wait_for(args.requests // 3)
                redis.stop(kill=True)
                load.wait_for(args.requests // 3)
                redis.start()
                back = time.monotonic()
                wait_until(lambda: stack.health()[1].get("redis") == "ok", "redis back")
                recovery = recovered_after(stack, load, back)
                load.wait_for(args.requests // 3)
        finally:
            stack.stop()
        return {"load": load, "recovery": recovery, "invariants": stack.invariants()}


def fault_postgres(workdir: Path, args) -> dict:
    with postgres_server() as cluster:
        stack = Stack(workdir, cluster.url).prepare()
        stack.start(args.workers)
        try:
            with Load(stack, clients=args.clients, limit=args.requests * 3) as load:
                load.wait_for(args.requests // 3)
                cluster.stop("fast")
                load.wait_for(args.requests // 3)
                cluster.start()
                recovery = recovered_after(stack, load, time.monotonic())
                load.wait_for(args.requests // 3)
        finally:
            stack.stop()
        return {"load": load, "recovery": recovery, "invariants": stack.invariants()}


def fault_workers(workdir: Path, args) -> dict:
    stack = Stack(workdir, f"sqlite:///{workdir / 'shop.sqlite'}").prepare()
    stack.start(args.workers)
    try:
        with Load(stack, clients=args.clients, limit=args.requests * 3) as load:
            load.wait_for(args.requests // 2)
            killed = stack.kill_workers()
            at = time.monotonic()
            wait_until(
                lambda: len(set(stack.worker_pids()) - set(killed)) >= args.workers,
                "new workers",
                seconds=120,
            )
            recovery = recovered_after(stack, load, at)
            load.wait_for(args.requests // 2)
    finally:
        stack.stop()
    return {"load": load, "recovery": recovery, "invariants": stack.invariants()}


FAULTS = {"redis": fault_redis, "postgres": fault_postgres, "workers": fault_workers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections (4)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (3)")
    parser.add_argument("--requests", type=int, default=300, help="load per fault, about (300)")
    parser.add_argument("--only", default=",".join(FAULTS), help="faults to run, comma-separated")
    args = parser.parse_args()
    print(f"Faults under load: {args.clients} clients, {args.workers} gunicorn workers")
    for name in args.only.split(","):
        with tempfile.TemporaryDirectory(prefix=f"bench-fault-{name}-") as tmp:
            result = FAULTS[name](Path(tmp), args)
        summary = result["load"].tally.summary()
        checked = result["invariants"]
        print(
            f"  {name:<9} sent {summary['sent']:>5}  answered {summary['answered']:>5}  "
            f"5xx {summary['5xx']:>3} (not 503: {summary['500']}, 503 without Retry-After: "
            f"{summary['503 without Retry-After']})  recovered in {result['recovery']:.2f} s  "
            f"orders {result['load'].orders}"
        )
        print(
            "            invariants: "
            + ", ".join(f"{key} {'ok' if ok else 'BROKEN'}" for key, ok in checked.items())
        )
    print("  The load generator shares the machine with the server: figures are indications.")


if __name__ == "__main__":
    main()
