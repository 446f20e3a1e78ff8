"""The unit of work: one transaction per request, CLI command and job, and what runs after it.

Whoever starts the work owns the transaction (indico's `RH.process` is the model):

- a request: the view runs, then `finish_request` commits when the response is a success
  (status < 400) of a method that may write, and rolls back otherwise: a GET never writes,
  and a form re-rendered with a 4xx refusal leaves nothing half-written;
- a CLI command of a `CommandGroup`: committed when the command returns, rolled back when it
  raises (a `click.ClickException` included);
- a job (`app.jobs.run`): the same, around the job's function.

Services flush, never commit. What must happen only once the change is in the database
(mail, Stripe and carrier calls, the search index, the page cache) is registered with
`after_commit(action, *args)`: it runs after the commit has returned, in registration order,
and is dropped if the transaction rolls back. An action may change the database again (record
what Stripe answered); its changes are committed right after it, in a unit of work of its own.

Two followers watch every transaction rather than being called by services, because what
they follow is any change to certain rows, whoever made it: the search index (the products
and shops a transaction changed) and the page cache (dropped when a row of a model marked
`InvalidatesPageCache` changed). Each registers once with `watch_changes(note, apply)`:
`note(session)` runs after each flush and keeps what it needs in `session.info`, `apply(session)`
runs after each commit, and what was noted is forgotten on rollback. These are the only
session hooks in the application.

The one exception is `commit_step(why)`: a service that must make its work so far durable
before an outside call that cannot be undone (a Stripe refund must find its Refund row
committed, so a crash in between leaves a row to retry, not money sent and unrecorded) commits
through it and says why.
"""

import functools
from collections.abc import Callable
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from flask.cli import AppGroup

from app.extensions import db

_ACTIONS = "after_commit_actions"
# Methods that change things; a GET, HEAD or OPTIONS request is always rolled back.
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# (note, apply, the session.info keys `note` writes): see watch_changes
_WATCHERS: list[tuple[Callable, Callable, tuple[str, ...]]] = []


def watch_changes(note: Callable, apply: Callable, keys: tuple[str, ...]) -> None:
    """Follow every transaction: `note(session)` after each flush, `apply(session)` after each
    commit; the `keys` of session.info that `note` fills are dropped on rollback."""
    if not any(watcher[0] is note for watcher in _WATCHERS):
        _WATCHERS.append((note, apply, keys))
    if not sa.event.contains(db.session, "after_flush", _noted):
        sa.event.listen(db.session, "after_flush", _noted)
        sa.event.listen(db.session, "after_commit", _applied)
        sa.event.listen(db.session, "after_rollback", _forgotten)


def _noted(session, flush_context) -> None:
    for note, _apply, _keys in _WATCHERS:
        note(session)


def _applied(session) -> None:
    for _note, apply, _keys in _WATCHERS:
        apply(session)


def _forgotten(session) -> None:
    for _note, _apply, keys in _WATCHERS:
        for key in keys:
            session.info.pop(key, None)


def after_commit(action: Callable, *args, **kwargs) -> None:
    """Run `action(*args, **kwargs)` once the current transaction has committed."""
    db.session.info.setdefault(_ACTIONS, []).append(functools.partial(action, *args, **kwargs))


def commit() -> None:
    """Commit the transaction, then run what was registered to follow it."""
    db.session.commit()
    actions = db.session.info.pop(_ACTIONS, [])
    for action in actions:
        try:
            action()
            commit()  # what the action changed, and whatever it registered in turn
        except Exception:
            rollback()
            # The change it follows is committed; the action's failure must not undo or
            # hide it. Actions that matter (refunds, transfers) leave a row to retry.
            current_app.logger.exception("after-commit action %r failed", action)


def rollback() -> None:
    """Roll the transaction back and forget what was to follow it."""
    db.session.rollback()
    db.session.info.pop(_ACTIONS, None)


def commit_step(why: str) -> None:
    """Commit the work so far in the middle of a unit of work, before an outside call.

    `why` names the outside call that needs it; it is not used, it is there to be read.
    """
    del why
    commit()


@contextmanager
def transaction():
    """One unit of work outside a request: commit at the end, roll back on any exception."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def finish_request(response: Response) -> Response:
    if request.method in WRITING_METHODS and response.status_code < 400:
        commit()
    else:
        rollback()
    return response


def _rollback_on_teardown(exception: BaseException | None) -> None:
    # A view that raised before a response was made: nothing it did may stay.
    if exception is not None:
        rollback()


class CommandGroup(AppGroup):
    """A `flask` command group whose every command runs as one unit of work."""

    def command(self, *args, **kwargs):
        wrap = super().command(*args, **kwargs)

        def decorator(function):
            @functools.wraps(function)
            def in_transaction(*call_args, **call_kwargs):
                with transaction():
                    return function(*call_args, **call_kwargs)

            return wrap(in_transaction)

        return decorator


def init_app(app: Flask) -> None:
    app.after_request(finish_request)
    app.teardown_request(_rollback_on_teardown)
