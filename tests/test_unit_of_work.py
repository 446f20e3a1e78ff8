"""The unit of work: who commits, and what runs after a commit (app.unit_of_work)."""

import pytest
from flask import Response

from app.extensions import db
from app.models import User
from app.unit_of_work import after_commit, commit, finish_request, rollback, transaction
from tests.factories import UserFactory


def _count(email: str) -> int:
    return db.session.scalar(db.select(db.func.count(User.id)).where(User.email == email))


def test_actions_run_after_the_commit_in_order(app):
    ran = []
    UserFactory(email="an@example.com")
    after_commit(lambda: ran.append(_count("an@example.com")))
    after_commit(ran.append, "second")
    assert ran == []
    commit()
    assert ran == [1, "second"]


def test_actions_are_dropped_on_rollback(app):
    ran = []
    after_commit(ran.append, "never")
    rollback()
    commit()
    assert ran == []


def test_an_action_may_write_and_its_change_is_committed(app):
    after_commit(
        lambda: db.session.add(User(email="late@example.com", name="Late", password_hash="x"))
    )
    commit()
    rollback()  # nothing pending is left to lose
    assert _count("late@example.com") == 1


def test_a_failing_action_keeps_the_committed_change_and_the_next_action(app):
    ran = []
    UserFactory(email="kept@example.com")
    after_commit(lambda: 1 / 0)
    after_commit(ran.append, "after the failure")
    commit()
    rollback()
    assert _count("kept@example.com") == 1
    assert ran == ["after the failure"]


def test_transaction_rolls_back_when_the_work_raises(app):
    with pytest.raises(RuntimeError), transaction():
        db.session.add(User(email="gone@example.com", name="Gone", password_hash="x"))
        raise RuntimeError("boom")
    assert _count("gone@example.com") == 0


@pytest.mark.parametrize(
    ("method", "status", "kept"),
    [("POST", 302, 1), ("POST", 200, 1), ("POST", 409, 0), ("POST", 500, 0), ("GET", 200, 0)],
)
def test_a_request_commits_only_successful_writing_methods(app, method, status, kept):
    with app.test_request_context("/", method=method):
        db.session.add(User(email="req@example.com", name="Req", password_hash="x"))
        finish_request(Response(status=status))
    assert _count("req@example.com") == kept
