"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise one .eml file per message in the outbox.

The message is built at once; delivering it is a background job (app.jobs) when Redis is
configured, so a slow mail server never holds up a request.
"""

import smtplib
import ssl
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, has_app_context

from app import jobs
from app.files import write_atomically
from app.unit_of_work import after_commit
from config import Config

UNFOLDED = policy.default.clone(max_line_length=998)


def public_base_url() -> str:
    """Where the site is served, for links in mail sent outside a request (CLI commands).

    Click asks for it as an option's default, which may be before an app context exists.
    """
    if has_app_context():
        return current_app.config["PUBLIC_BASE_URL"]
    return Config.PUBLIC_BASE_URL


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
        with _smtp_connection(config) as smtp:
            smtp.send_message(message)
    else:
        name = f"{time.time_ns()}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        write_atomically(Path(config["MAIL_OUTBOX_DIR"]) / name, raw)


def _smtp_connection(config) -> smtplib.SMTP:
    """A connection to the SMTP server, encrypted and logged in as the settings ask.

    The server's certificate is checked against the system's trusted authorities: a password
    never goes to a server that could not prove its name.
    """
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    context = ssl.create_default_context()
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(
            host, port, timeout=config.get("MAIL_TIMEOUT_SECONDS", 10), context=context
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=config.get("MAIL_TIMEOUT_SECONDS", 10))
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
