"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise run at once, in the request.

Callers say what to run, never how: `jobs.enqueue(function, *args)` with a module-level
function and plain arguments (ids, strings, bytes). A job runs inside an app context, so it
uses `current_app` and `db.session` like any request.

No job is lost when a part is down:
- Redis unreachable: the job runs at once, in the process that asked for it;
- a job that raises (the mail server refuses, the disk is full) is kept in the database
  (`PendingJob`) and run again later with a growing delay (1 min, 2, 4 ... up to 6 h), by
  `flask jobs retry` (cron), by the worker between jobs, or by the next request of a process
  (at most once a minute, a few jobs at a time). After MAX_ATTEMPTS it is kept, marked as
  given up, for the operator (`flask jobs status`, `flask jobs retry --all`).

`flask jobs worker` runs a worker for the app's queue; a deployment runs one or more of them
beside the app servers, on the same DATABASE_URL, REDIS_URL and shared upload storage.
"""

import base64
import importlib
import pickle
import time
from collections.abc import Callable
from datetime import timedelta

import click
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup

from app.extensions import db
from app.models import PendingJob
from app.models.base import utcnow
from app.unit_of_work import transaction

QUEUE = "chohtx"
MAX_ATTEMPTS = 10
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
# A job claimed or queued but not reported done (its process died, Redis lost it) is due
# again after this long.
CLAIM_LEASE = timedelta(minutes=10)
# Redis is asked at most this long: a hung server must not hold a request for good.
REDIS_TIMEOUT_SECONDS = 1.0


def init_app(app: Flask) -> None:
    app.extensions["jobs_queue"] = None
    app.config.setdefault("JOBS_RETRY_EVERY_SECONDS", 60)
    if app.config.get("REDIS_URL") and app.config.get("JOBS_IN_BACKGROUND", True):
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        app.extensions["jobs_queue"] = Queue(
            app.config.get("JOBS_QUEUE", QUEUE), connection=connection
        )
    app.extensions["jobs_retried_at"] = time.monotonic()
    app.teardown_appcontext(_retry_now_and_then)


def queue():
    """The RQ queue, or None when jobs run inline."""
    return current_app.extensions.get("jobs_queue")


def _name(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def _resolve(name: str) -> Callable:
    module, _, attribute = name.partition(":")
    function = importlib.import_module(module)
    for part in attribute.split("."):
        function = getattr(function, part)
    return function


def enqueue(function: Callable, *args, **kwargs) -> None:
    """Run `function(*args, **kwargs)` on a worker, or now without Redis.

    When Redis cannot be reached the job runs now too: slower, but nothing is lost; and a
    job that fails here is kept in the database for a later attempt.
    """
    from redis.exceptions import RedisError

    name = _name(function)
    found = queue()
    if found is not None:
        try:
            _put_on_queue(found, name, args, kwargs, attempts=0)
            return
        except RedisError:
            current_app.logger.warning("jobs: Redis unavailable, running %s now", name)
    _run_here(name, args, kwargs, attempts=0)


def enqueue_kept(function: Callable, *args) -> None:
    """Like enqueue, for a job that must not be lost with a Redis that restarts empty (mail):
    it is written to the database first, deleted once it has run, and if Redis loses it, run
    again after CLAIM_LEASE by whoever retries kept jobs. Call it outside a transaction (an
    after-commit action): the row is written in a transaction of its own."""
    from redis.exceptions import RedisError

    name = _name(function)
    found = queue()
    if found is None:
        _run_here(name, args, {}, attempts=0)
        return
    job_id = keep(name, args, {}, attempts=0, error=None)
    try:
        _put_on_queue(found, name, args, {}, attempts=0, job_id=job_id)
        return
    except RedisError:
        current_app.logger.warning("jobs: Redis unavailable, running %s now", name)
    try:
        _resolve(name)(*args)
    except Exception as error:
        current_app.logger.warning("job %s failed, kept for a retry: %s", name, error)
        _failed_again(job_id, 1, error)
        return
    _forget(job_id)


def _forget(job_id: int) -> None:
    with so.Session(db.engine) as session, session.begin():
        session.execute(sa.delete(PendingJob).where(PendingJob.id == job_id))


def _put_on_queue(
    found, name: str, args: tuple, kwargs: dict, attempts: int, job_id: int | None = None
) -> None:
    found.enqueue_call(
        run,
        args=(name, args, kwargs, attempts, job_id),
        result_ttl=0,
        failure_ttl=7 * 24 * 3600,
        description=name,
    )


def _run_here(name: str, args: tuple, kwargs: dict, attempts: int) -> bool:
    """Run a job in this process; on failure keep it for later. True when it ran."""
    try:
        _resolve(name)(*args, **kwargs)
    except Exception as error:
        current_app.logger.warning("job %s failed, kept for a retry: %s", name, error)
        keep(name, args, kwargs, attempts=attempts + 1, error=error)
        return False
    return True


def delay_after(attempts: int) -> timedelta:
    """1 minute after the first failure, doubling each time, at most LONGEST_DELAY."""
    return min(FIRST_DELAY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_DELAY)


def keep(
    name: str, args: tuple, kwargs: dict, *, attempts: int, error: BaseException | None
) -> int:
    """Store a job to run later, in a transaction of its own: whatever the caller's
    transaction does next (it may be rolled back, or be over), the job stays. Without an
    error it is a job just queued (enqueue_kept), due again only if Redis loses it."""
    now = utcnow()
    arguments = base64.b64encode(pickle.dumps((args, kwargs))).decode("ascii")
    job = PendingJob(
        name=name,
        arguments=arguments,
        attempts=attempts,
        next_attempt_at=now + (delay_after(attempts) if error else CLAIM_LEASE),
        last_error=f"{type(error).__name__}: {error}"[:500] if error else "",
        gave_up_at=now if attempts >= MAX_ATTEMPTS else None,
        created_at=now,
    )
    with so.Session(db.engine, expire_on_commit=False) as session, session.begin():
        session.add(job)
    return job.id


def retry_due(limit: int = 100, *, everything: bool = False) -> tuple[int, int]:
    """Run (or queue, with Redis) the kept jobs whose time has come; (done, failed again).

    A job is claimed before it runs (its next attempt pushed past a lease, so no other
    process takes it meanwhile), deleted once done, and given a later attempt if it fails.
    `everything` also runs those given up and those not yet due. Each job once per call.
    """
    from redis.exceptions import RedisError

    done = failed = 0
    seen: set[int] = set()
    for _ in range(limit):
        job = _claim_one(everything, seen)
        if job is None:
            break
        seen.add(job.id)
        args, kwargs = pickle.loads(base64.b64decode(job.arguments))
        found = queue()
        if found is not None:
            try:  # the row stays (claimed) until the worker has run it
                _put_on_queue(found, job.name, args, kwargs, job.attempts, job_id=job.id)
                done += 1
                continue
            except RedisError:
                pass
        try:
            _resolve(job.name)(*args, **kwargs)
        except Exception as error:
            current_app.logger.warning("job %s failed again, kept: %s", job.name, error)
            _failed_again(job.id, job.attempts + 1, error)
            failed += 1
            continue
        _forget(job.id)
        done += 1
    return done, failed


def _claim_one(everything: bool, seen: set[int]) -> PendingJob | None:
    with so.Session(db.engine, expire_on_commit=False) as session, session.begin():
        query = sa.select(PendingJob).order_by(PendingJob.next_attempt_at, PendingJob.id)
        if seen:
            query = query.where(PendingJob.id.not_in(seen))
        if not everything:
            query = query.where(
                PendingJob.next_attempt_at <= utcnow(), PendingJob.gave_up_at.is_(None)
            )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job = session.scalars(query.limit(1)).first()
        if job is not None:
            job.next_attempt_at = utcnow() + CLAIM_LEASE
        return job


def _failed_again(job_id: int, attempts: int, error: BaseException) -> None:
    now = utcnow()
    with so.Session(db.engine) as session, session.begin():
        session.execute(
            sa.update(PendingJob)
            .where(PendingJob.id == job_id)
            .values(
                attempts=attempts,
                next_attempt_at=now + delay_after(attempts),
                last_error=f"{type(error).__name__}: {error}"[:500],
                gave_up_at=now if attempts >= MAX_ATTEMPTS else None,
            )
        )


def kept_counts() -> tuple[int, int]:
    """(waiting for a retry, given up)."""
    with so.Session(db.engine) as session:
        rows = dict(
            session.execute(
                sa.select(PendingJob.gave_up_at.is_(None), sa.func.count()).group_by(
                    PendingJob.gave_up_at.is_(None)
                )
            ).all()
        )
    return rows.get(True, 0), rows.get(False, 0)


def _retry_now_and_then(exception: BaseException | None) -> None:
    """After a request (or any app context) of this process, at most once a minute: the few
    kept jobs that are due. Nothing is lost while no worker or cron runs `jobs retry`."""
    app = current_app
    every = app.config.get("JOBS_RETRY_EVERY_SECONDS")
    if not every or time.monotonic() - app.extensions["jobs_retried_at"] < every:
        return
    app.extensions["jobs_retried_at"] = time.monotonic()
    try:
        retry_due(limit=5)
    except Exception:  # the database may be the part that is down
        app.logger.warning("jobs: kept jobs not retried now", exc_info=True)


def run(name: str, args: tuple, kwargs: dict, attempts: int = 0, job_id: int | None = None) -> None:
    """What a worker executes: the named function in an app context of its own, like a
    request (its own database session, closed afterwards). A failure is kept for a retry;
    a job kept in the database (`job_id`) is deleted from it once it has run."""
    if has_app_context():
        app = current_app._get_current_object()
    else:  # a plain `rq worker`: build the app from the environment
        from app import create_app

        app = create_app()
    with app.app_context():
        try:
            with transaction():
                _resolve(name)(*args, **kwargs)
        except Exception as error:
            current_app.logger.warning("job %s failed, kept for a retry: %s", name, error)
            if job_id is None:
                keep(name, args, kwargs, attempts=attempts + 1, error=error)
            else:
                _failed_again(job_id, attempts + 1, error)
            return
        if job_id is not None:
            _forget(job_id)


def work(burst: bool = False) -> bool:
    """Process the queue in this process (inside the current app context)."""
    from rq import SimpleWorker

    found = queue()
    if found is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, there is no queue.")
    # Kept jobs first: those stored while Redis was down go onto the queue now.
    retry_due()
    # Jobs run in this process, inside its app context; no fork per job, so the database
    # pool is never shared with a child.
    worker = SimpleWorker([found], connection=found.connection)
    return worker.work(burst=burst, logging_level="WARNING")


jobs_cli = AppGroup("jobs", help="Background jobs (RQ on Redis).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run a worker for email, image and search index jobs until stopped."""
    work(burst=burst)


@jobs_cli.command("status")
def status_command() -> None:
    """How many jobs wait, how many failed, how many are kept in the database for a retry."""
    waiting, given_up = kept_counts()
    found = queue()
    if found is None:
        click.echo("REDIS_URL is not set: jobs run inline.")
    else:
        from redis.exceptions import RedisError

        try:
            click.echo(f"queued: {found.count}")
            click.echo(f"failed: {found.failed_job_registry.count}")
        except RedisError:
            click.echo("Redis unavailable: jobs run inline until it is back.")
    click.echo(f"kept for a retry: {waiting}")
    click.echo(f"given up: {given_up}")


@jobs_cli.command("retry")
@click.option("--all", "everything", is_flag=True, help="Also those given up or not yet due.")
def retry_command(everything: bool) -> None:
    """Run the kept jobs whose time has come (mail the server refused, ...); for cron."""
    done, failed = retry_due(limit=10_000, everything=everything)
    click.echo(f"{done} job(s) done or queued, {failed} failed again (kept).")
