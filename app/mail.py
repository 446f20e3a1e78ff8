"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise one .eml file per message in the outbox."""

import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def send_email(to: str, subject: str, text: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="chohtx.vn")
    message.set_content(text)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"]) as smtp:
            smtp.send_message(message)
    else:
        outbox = Path(config["MAIL_OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        (outbox / name).write_bytes(bytes(message))
    return message
