"""Mail through a real SMTP server (aiosmtpd on 127.0.0.1), as a mail provider asks for it:
a login over STARTTLS or over TLS from the first byte, and the server's certificate checked.
"""

import smtplib
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from app.mail import deliver
from tests.factories import UserFactory
from tests.servers import free_port

USERNAME, PASSWORD = "shop@chohtx.vn", "app-password-123"


@dataclass
class Mailbox:
    """What the server received: each message with the login it came under and its encryption."""

    received: list[tuple[str | None, bool, EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if session.authenticated else None
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append((login, encrypted, message))
        return "250 Message accepted"


def check_password(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USERNAME
        and auth_data.password.decode() == PASSWORD
    )
    # handled=False: the server itself answers 235 or 535; auth_data is kept on the session
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, which the tests trust through SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def smtp_server(context: ssl.SSLContext, implicit_tls: bool):
    mailbox = Mailbox()
    options = dict(ssl_context=context) if implicit_tls else dict(tls_context=context)
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=check_password,
        auth_require_tls=not implicit_tls,  # on implicit TLS every command is already encrypted
        require_starttls=not implicit_tls,
        **options,
    )
    return controller, mailbox


@pytest.fixture(params=["starttls", "ssl"])
def mail_server(request, app, certificate, monkeypatch):
    """A server asking for a login, and the app configured for it the way the README says."""
    cert, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    controller, mailbox = smtp_server(context, implicit_tls=request.param == "ssl")
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=request.param == "starttls",
        MAIL_USE_SSL=request.param == "ssl",
        MAIL_USERNAME=USERNAME,
        MAIL_PASSWORD=PASSWORD,
    )
    yield mailbox
    controller.stop()


def built_message(to="lan@example.com") -> bytes:
    message = EmailMessage()
    message["From"] = "Chợ HTX <no-reply@chohtx.vn>"
    message["To"] = to
    message["Subject"] = "Xin chào"
    message.set_content("Đơn hàng của bạn đã được giao.")
    return bytes(message)


def test_password_reset_mail_arrives_through_a_logged_in_encrypted_smtp_session(
    app, client, mail_server
):
    UserFactory(email="lan@example.com", name="Lan")
    response = client.post("/vi/reset-password", data={"email": "lan@example.com"})
    assert response.status_code == 302
    [(login, encrypted, message)] = mail_server.received
    assert (login, encrypted) == (USERNAME, True)
    assert message["To"] == "lan@example.com"
    assert message["Subject"] == "Đặt lại mật khẩu Chợ HTX của bạn"
    assert "/vi/reset-password/" in message.get_content()


def test_a_wrong_password_is_refused_and_nothing_is_sent(app, mail_server):
    app.config.update(MAIL_PASSWORD="wrong")
    with pytest.raises(smtplib.SMTPAuthenticationError):
        deliver(built_message())
    assert mail_server.received == []


def test_the_password_never_goes_to_a_server_whose_certificate_is_not_trusted(
    app, mail_server, monkeypatch, tmp_path
):
    empty = tmp_path / "no-authorities.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with pytest.raises(ssl.SSLCertVerificationError):
        deliver(built_message())
    assert mail_server.received == []


def test_without_a_login_the_message_goes_unauthenticated(app, certificate, monkeypatch):
    cert, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        deliver(built_message())
    finally:
        controller.stop()
    [(login, encrypted, message)] = mailbox.received
    assert (login, encrypted) == (None, False)
    assert message["Subject"] == "Xin chào"
