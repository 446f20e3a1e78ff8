"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise run at once, in the request.

Callers say what to run, never how: `jobs.enqueue(function, *args)` with a module-level
function and plain arguments (ids, strings, bytes). A job runs inside an app context, so it
uses `current_app` and `db.session` like any request; a failed job stays in RQ's failed
registry (and its error in the worker's log) for the operator to retry.

`flask jobs worker` runs a worker for the app's queue; a deployment runs one or more of them
beside the app servers, on the same DATABASE_URL, REDIS_URL and shared upload storage.
"""

import importlib
from collections.abc import Callable

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup

from app.unit_of_work import transaction

QUEUE = "chohtx"


def init_app(app: Flask) -> None:
    app.extensions["jobs_queue"] = None
    if app.config.get("REDIS_URL") and app.config.get("JOBS_IN_BACKGROUND", True):
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(app.config["REDIS_URL"])
        app.extensions["jobs_queue"] = Queue(
            app.config.get("JOBS_QUEUE", QUEUE), connection=connection
        )


def queue():
    """The RQ queue, or None when jobs run inline."""
    return current_app.extensions.get("jobs_queue")


def enqueue(function: Callable, *args, **kwargs) -> None:
    """Run `function(*args, **kwargs)` on a worker, or now without Redis.

    When Redis cannot be reached the job runs now too: slower, but nothing is lost.
    """
    from redis.exceptions import RedisError

    found = queue()
    if found is not None:
        name = f"{function.__module__}:{function.__qualname__}"
        try:
            found.enqueue_call(
                run,
                args=(name, args, kwargs),
                result_ttl=0,
                failure_ttl=7 * 24 * 3600,
                description=name,
            )
            return
        except RedisError:
            current_app.logger.warning("jobs: Redis unavailable, running %s now", name)
    function(*args, **kwargs)


def run(name: str, args: tuple, kwargs: dict) -> None:
    """What a worker executes: the named function in an app context of its own, like a
    request (its own database session, closed afterwards)."""
    if has_app_context():
        app = current_app._get_current_object()
    else:  # a plain `rq worker`: build the app from the environment
        from app import create_app

        app = create_app()
    module, _, attribute = name.partition(":")
    function = importlib.import_module(module)
    for part in attribute.split("."):
        function = getattr(function, part)
    with app.app_context(), transaction():
        function(*args, **kwargs)


def work(burst: bool = False) -> bool:
    """Process the queue in this process (inside the current app context)."""
    from rq import SimpleWorker

    found = queue()
    if found is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, there is no queue.")
    # Jobs run in this process, inside its app context; no fork per job, so the database
    # pool is never shared with a child. A job that raises is recorded as failed.
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
    """How many jobs wait and how many failed."""
    found = queue()
    if found is None:
        raise click.ClickException("REDIS_URL is not set: jobs run inline, there is no queue.")
    click.echo(f"queued: {found.count}")
    click.echo(f"failed: {found.failed_job_registry.count}")
