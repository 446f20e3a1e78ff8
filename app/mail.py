"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise one .eml file per message in the outbox.

The message is built at once; delivering it is a background job (app.jobs) when Redis is
configured, so a slow mail server never holds up a request.
"""

import re
import smtplib
import ssl
import time
from email import message_from_bytes, policy
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, has_app_context

from app import jobs
from app.files import write_atomically
from app.unit_of_work import after_commit
from config import Config

MESSAGE_ID = re.compile(rb"^Message-ID: <([^@>]+)@", re.MULTILINE)


def public_base_url() -> str:
    """Where the site is served, for links in mail sent outside a request (CLI commands).

    Click asks for it as an option's default, which may be before an app context exists.
    """
    if has_app_context():
        return current_app.config["PUBLIC_BASE_URL"]
    return Config.PUBLIC_BASE_URL


def _address(value: str) -> str:
    """An address with its display name encoded for the header ("Chợ HTX <no-reply@...>")."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def send_email(to: str, subject: str, text: str) -> bytes:
    """Build one message and deliver it once the change it reports has committed.

    Built with the classic email API: Python 3.11's modern policy folds a long Vietnamese
    subject into encoded words that drop the spaces between them ("đang được" arrives as
    "đangđược"), and parses every header it is given, which made a checkout's mail cost more
    than the checkout. `Header` splits encoded words without losing a space.
    """
    message = MIMEText(text, "plain", "utf-8")
    message["From"] = _address(current_app.config["MAIL_SENDER"])
    message["To"] = _address(to)
    message["Subject"] = Header(subject, "utf-8", maxlinelen=998)
    message["Message-ID"] = make_msgid(domain="chohtx.vn")
    raw = message.as_bytes()
    after_commit(jobs.enqueue_kept, deliver, raw)
    return raw


def deliver(raw: bytes) -> None:
    """Hand one built message to the SMTP server, or write it to the outbox.

    It raises when the server refuses or cannot be reached, or the outbox cannot be written:
    the job is then kept (app.jobs) and delivered on a later attempt, with the same bytes.
    """
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with _smtp_connection(config) as smtp:
            smtp.send_message(message_from_bytes(raw, policy=policy.default))
    else:
        found = MESSAGE_ID.search(raw)
        name = f"{time.time_ns()}-{found.group(1).decode() if found else 'mail'}.eml"
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
