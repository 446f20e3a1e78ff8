"""The mail server down: the action that sends mail still succeeds, the message is kept in
the database and retried with a growing delay, and delivered once a server accepts it.

A real SMTP port on 127.0.0.1: first nothing listens (connection refused), then aiosmtpd,
a small real SMTP server, accepts on that same port."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import jobs
from app.extensions import db
from app.models import PendingJob
from app.models.base import utcnow
from tests.factories import UserFactory
from tests.servers import free_port

PORT = free_port()


@pytest.fixture
def app_settings():
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": PORT, "MAIL_TIMEOUT_SECONDS": 2}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def kept() -> list[PendingJob]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PendingJob)))


def test_mail_waits_while_the_server_refuses_and_is_delivered_once_it_accepts(app, client, runner):
    UserFactory(email="lan@example.com")
    response = client.post("/vi/reset-password", data={"email": "lan@example.com"})
    assert response.status_code == 302  # the buyer is told the link is on its way

    (job,) = kept()
    assert job.name == "app.mail:deliver" and job.attempts == 1
    assert "ConnectionRefusedError" in job.last_error
    wait = job.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait <= jobs.delay_after(1)

    # Not due yet: a cron run leaves it; forced, it fails again and waits twice as long.
    assert "0 job(s) done" in runner.invoke(args=["jobs", "retry"]).output
    assert "1 failed again" in runner.invoke(args=["jobs", "retry", "--all"]).output
    (job,) = kept()
    assert job.attempts == 2
    assert job.next_attempt_at - utcnow() > jobs.delay_after(1)
    status = runner.invoke(args=["jobs", "status"]).output
    assert "kept for a retry: 1" in status

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=PORT)
    server.start()
    try:
        result = runner.invoke(args=["jobs", "retry", "--all"])
    finally:
        server.stop()
    assert "1 job(s) done" in result.output
    (mail,) = inbox.messages
    assert mail["To"] == "lan@example.com"
    assert "/vi/reset-password/" in mail.get_content()
    assert kept() == []


def test_a_job_failing_every_time_is_given_up_and_kept_for_the_operator(app, runner):
    jobs.keep(
        "app.mail:deliver", (b"not a message",), {}, attempts=jobs.MAX_ATTEMPTS, error=OSError("x")
    )
    (job,) = kept()
    assert job.gave_up_at is not None
    assert "0 job(s) done" in runner.invoke(args=["jobs", "retry"]).output
    assert "given up: 1" in runner.invoke(args=["jobs", "status"]).output
    assert jobs.delay_after(30) == jobs.LONGEST_DELAY
