"""``MailSend`` and ``MailExecution`` deliver real mail to an SMTP server on loopback
(aiosmtpd): plain SMTP, STARTTLS with a login, SMTPS, attachments from internal storage; and
a refused login, an untrusted certificate or a server that is not there fail in one line
without the password."""

import email
import email.policy
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from tests.conftest import free_port
from tests.plugins.core.run.run_support import Reply, Server, make_certificate
from tests.plugins.flow_support import RunFlow, flow_of, messages, states

MAIL = "io.kestra.plugin.notifications.mail."
PASSWORD = "pa55-w0rd-secret"


@dataclass
class Inbox:
    """What the SMTP server received."""

    port: int
    mails: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(parsed)
        return "250 Message accepted for delivery"


def _login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    expected = (b"bob", PASSWORD.encode())
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == expected
    # handled=False: aiosmtpd then answers 535 itself (with True it leaves the client waiting).
    return AuthResult(success=ok, handled=False)


def _start(inbox: Inbox, **options: Any) -> Iterator[Inbox]:
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """Plain SMTP, no login."""
    yield from _start(Inbox(free_port()))


@pytest.fixture
def tls(tmp_path: Path) -> ssl.SSLContext:
    return make_certificate(tmp_path)


@pytest.fixture
def starttls(tls: ssl.SSLContext) -> Iterator[Inbox]:
    """STARTTLS required, then a login as bob."""
    yield from _start(
        Inbox(free_port()),
        tls_context=tls,
        require_starttls=True,
        auth_required=True,
        authenticator=_login,
    )


@pytest.fixture
def smtps(tls: ssl.SSLContext) -> Iterator[Inbox]:
    """TLS from the first byte (SMTPS), no login."""
    yield from _start(Inbox(free_port()), ssl_context=tls)


def _mail(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": "mail",
        "type": MAIL + "MailSend",
        "host": "127.0.0.1",
        "port": port,
        "from": "kestra@example.org",
        "to": "ops@example.org; oncall@example.org",
        "subject": "Report of {{ flow.id }}",
        **extra,
    }


def test_plain_smtp_with_an_attachment_from_storage(
    smtp: Inbox, server: Server, run_flow: RunFlow
) -> None:
    server.route("/report.csv", Reply(200, b"region,total\neu,42\n"))
    finished = run_flow(
        flow_of(
            {
                "id": "fetch",
                "type": "io.kestra.plugin.core.http.Download",
                "uri": f"{server.url}/report.csv",
            },
            _mail(
                smtp.port,
                transportStrategy="SMTP",
                cc="boss@example.org",
                htmlTextContent="<p>Report for <b>{{ flow.namespace }}</b></p>",
                attachments=[
                    {
                        "name": "report.csv",
                        "uri": "{{ outputs.fetch.uri }}",
                        "contentType": "text/csv",
                    }
                ],
            ),
        )
    )
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (envelope,) = smtp.envelopes
    assert envelope.mail_from == "kestra@example.org"
    assert sorted(envelope.rcpt_tos) == [
        "boss@example.org",
        "oncall@example.org",
        "ops@example.org",
    ]
    (mail,) = smtp.mails
    assert mail["Subject"] == "Report of notify"
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and "Report for <b>company.team</b>" in html.get_content()
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None
    assert plain.get_content().strip() == "Please view this email in a modern email client"
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_payload(decode=True) == b"region,total\neu,42\n"


def test_starttls_and_login(starttls: Inbox, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of(
            _mail(
                starttls.port,
                transportStrategy="SMTP_TLS",
                username="bob",
                password=PASSWORD,
                trustedHosts=["127.0.0.1"],
                plainTextContent="hello over TLS",
            )
        )
    )
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (mail,) = starttls.mails
    plain = mail.get_body(preferencelist=("plain",))
    assert plain is not None and plain.get_content().strip() == "hello over TLS"


def test_smtps(smtps: Inbox, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of(_mail(smtps.port, verifyServerIdentity=False, plainTextContent="over SMTPS"))
    )
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert len(smtps.mails) == 1


def test_rejected_credentials_fail_in_one_line(starttls: Inbox, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of(
            _mail(
                starttls.port,
                transportStrategy="SMTP_TLS",
                username="bob",
                password="wrong-" + PASSWORD,
                trustedHosts=["127.0.0.1"],
            ),
            errors=[{"id": "handled", "type": "io.kestra.plugin.core.log.Log", "message": "ok"}],
        )
    )
    assert states(finished) == {"mail": "FAILED", "handled": "SUCCESS"}
    text = "\n".join(messages(finished, "mail"))
    assert f"SMTP server 127.0.0.1:{starttls.port} rejected the credentials of 'bob': 535" in text
    assert PASSWORD not in text and "Traceback" not in text
    assert starttls.mails == []


def test_an_untrusted_certificate_is_refused(smtps: Inbox, run_flow: RunFlow) -> None:
    finished = run_flow(flow_of(_mail(smtps.port)))
    assert states(finished) == {"mail": "FAILED"}
    text = "\n".join(messages(finished, "mail"))
    assert f"TLS with SMTP server 127.0.0.1:{smtps.port} failed: CERTIFICATE_VERIFY_FAILED" in text


def test_no_server_fails_in_one_line(run_flow: RunFlow) -> None:
    port = free_port()
    finished = run_flow(flow_of(_mail(port, transportStrategy="SMTP", password=PASSWORD)))
    assert states(finished) == {"mail": "FAILED"}
    (line,) = [m for m in messages(finished, "mail") if "Cannot send" in m]
    assert line.startswith(f"Cannot send the email through 127.0.0.1:{port}: ")


def test_mail_execution_sends_the_summary(
    smtp: Inbox, run_flow: RunFlow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERCEL_URL", "http://tiercel.local:8080")
    upstream = run_flow(
        """
        id: nightly
        namespace: company.team
        tasks:
          - {id: boom, type: io.kestra.plugin.core.execution.Fail}
        """
    )
    execution_id = upstream.execution.id
    finished = run_flow(
        flow_of(
            _mail(
                smtp.port,
                type="io.kestra.plugin.email.MailExecution",
                transportStrategy="SMTP",
                executionId=execution_id,
                customMessage="Please <look>",
            )
        )
    )
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (mail,) = smtp.mails
    html = mail.get_body(preferencelist=("html",))
    assert html is not None
    content = html.get_content()
    assert "[company.team] nightly ➛ FAILED" in content
    assert "Failed on task <code>boom</code> after 00:00:" in content
    assert "Please &lt;look&gt;" in content
    link = f"http://tiercel.local:8080/ui/executions/company.team/nightly/{execution_id}"
    assert f'href="{link}"' in content
