"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise one .eml file per message in the outbox.

The message is built at once; delivering it is a background job (app.jobs) when Redis is
configured, so a slow mail server never holds up a request.
"""

import os
import smtplib
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from app import jobs
from app.files import write_atomically
from app.unit_of_work import after_commit

UNFOLDED = policy.default.clone(max_line_length=998)


def public_base_url() -> str:
    """Where the site is served, for links in mail sent outside a request (CLI commands)."""
    return os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")


def send_email(to: str, subject: str, text: str) -> EmailMessage:
    config = current_app.config
    # Unfolded headers (up to RFC 5322's 998 characters): Python 3.11's folding into several
    # encoded words drops the space between them ("đang được" arrives as "đangđược").
    message = EmailMessage(policy=UNFOLDED)
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="chohtx.vn")
    message.set_content(text)
    # Mail reports a change: it leaves only once that change has committed.
    after_commit(jobs.enqueue_kept, deliver, bytes(message))
    return message


def deliver(raw: bytes) -> None:
    """Hand one built message to the SMTP server, or write it to the outbox.

    It raises when the server refuses or cannot be reached, or the outbox cannot be written:
    the job is then kept (app.jobs) and delivered on a later attempt, with the same bytes.
    """
    config = current_app.config
    message = message_from_bytes(raw, policy=policy.default)
    if config.get("MAIL_SERVER"):
        timeout = config.get("MAIL_TIMEOUT_SECONDS", 10)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout) as smtp:
            smtp.send_message(message)
    else:
        name = f"{time.time_ns()}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        write_atomically(Path(config["MAIL_OUTBOX_DIR"]) / name, raw)
