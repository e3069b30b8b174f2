"""Sending one email over SMTP (not a plugin): the transport strategies of Kestra's mail tasks
(``SMTP``, ``SMTPS``, ``SMTP_TLS`` for STARTTLS) with the standard library's ``smtplib``.

Certificates: with ``verifyServerIdentity`` (the default) the server must present a
certificate the system trusts for its host name; ``trustedHosts`` lists hosts whose certificate
is accepted as it is (a self-signed one, say); ``verifyServerIdentity: false`` accepts any.
"""

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from tiercel.sdk import TaskFailure


@dataclass(frozen=True, slots=True)
class Server:
    """Where and how to send."""

    host: str
    port: int | None
    username: str | None
    password: str | None
    strategy: str
    timeout: float
    verify: bool
    trusted_hosts: tuple[str, ...]


DEFAULT_PORTS = {"SMTP": 25, "SMTPS": 465, "SMTP_TLS": 587}


def deliver(server: Server, message: EmailMessage) -> None:
    """Send ``message`` through ``server``.

    Raises:
        TaskFailure: The server cannot be reached, refuses TLS, the credentials or a
            recipient; one line, never the password.
    """
    if server.strategy not in DEFAULT_PORTS:
        raise TaskFailure(
            f"transportStrategy: {server.strategy} is not supported (SMTP, SMTPS or SMTP_TLS)"
        )
    port = server.port or DEFAULT_PORTS[server.strategy]
    where = f"{server.host}:{port}"
    try:
        with _connect(server, port) as smtp:
            smtp.ehlo()
            if server.strategy == "SMTP_TLS":
                if not smtp.has_extn("starttls"):
                    raise TaskFailure(f"SMTP server {where} does not offer STARTTLS")
                smtp.starttls(context=_tls(server))
                smtp.ehlo()
            if server.username:
                # Without the initial response every server understands AUTH LOGIN the same way.
                smtp.login(server.username, server.password or "", initial_response_ok=False)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise TaskFailure(
            f"SMTP server {where} rejected the credentials of '{server.username}': "
            f"{exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(sorted(exc.recipients))
        raise TaskFailure(f"SMTP server {where} refused the recipients: {refused}") from None
    except smtplib.SMTPResponseException as exc:
        raise TaskFailure(
            f"SMTP server {where} answered {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except ssl.SSLError as exc:
        raise TaskFailure(f"TLS with SMTP server {where} failed: {exc.reason or exc}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TaskFailure(f"Cannot send the email through {where}: {exc}") from None


def _connect(server: Server, port: int) -> smtplib.SMTP:
    if server.strategy == "SMTPS":
        return smtplib.SMTP_SSL(server.host, port, timeout=server.timeout, context=_tls(server))
    return smtplib.SMTP(server.host, port, timeout=server.timeout, local_hostname=_local())


def _tls(server: Server) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not server.verify or server.host in server.trusted_hosts:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif server.trusted_hosts:
        raise TaskFailure(f"trustedHosts: {server.host} is not a trusted host")
    return context


def _local() -> str:
    # The FQDN lookup smtplib does by default can take seconds on hosts without DNS.
    return socket.gethostname() or "localhost"


def _text(raw: bytes | str) -> str:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())
