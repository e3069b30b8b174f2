"""Bad hosts, credentials and keys give one clear line, and never show a password."""

import pytest
from tests.conftest import free_port
from tests.plugins.flow_support import RunFlow, flow_of, states
from tests.plugins.fs.conftest import FTP_PASSWORD, FTP_USER, Ftp, Sftp


def _error(run_flow: RunFlow, task: dict[str, object]) -> str:
    finished = run_flow(flow_of({"id": "t", **task}))
    assert states(finished)["t"] == "FAILED"
    (message,) = [line.message for line in finished.logs if line.level.value == "ERROR"][-1:]
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("protocol", ["sftp", "ftp", "ftps"])
def test_nothing_listening(protocol: str, run_flow: RunFlow) -> None:
    port = free_port()
    message = _error(
        run_flow,
        {
            "type": f"io.kestra.plugin.fs.{protocol}.List",
            "host": "127.0.0.1",
            "port": port,
            "username": "u",
            "password": "hunter2-secret",
            "from": "/",
        },
    )
    assert f"Unable to connect to {protocol}://127.0.0.1:{port}" in message
    assert "hunter2-secret" not in message


def test_sftp_wrong_password(sftp_server: Sftp, run_flow: RunFlow) -> None:
    message = _error(
        run_flow,
        {
            "type": "io.kestra.plugin.fs.sftp.List",
            "host": "127.0.0.1",
            "port": sftp_server.port,
            "username": "root",
            "password": "hunter2-secret",
            "from": "/",
        },
    )
    assert message.startswith("Authentication failed for user 'root'"), message
    assert "hunter2-secret" not in message


def test_sftp_bad_keyfile(sftp_server: Sftp, run_flow: RunFlow) -> None:
    message = _error(
        run_flow,
        {
            "type": "io.kestra.plugin.fs.sftp.List",
            "host": "127.0.0.1",
            "port": sftp_server.port,
            "username": "root",
            "keyfile": "not a key",
            "from": "/",
        },
    )
    assert "keyfile" in message


@pytest.mark.parametrize("protocol", ["ftp", "ftps"])
def test_ftp_wrong_password(
    protocol: str, request: pytest.FixtureRequest, run_flow: RunFlow
) -> None:
    server: Ftp = request.getfixturevalue(f"{protocol}_server")
    message = _error(
        run_flow,
        {
            "type": f"io.kestra.plugin.fs.{protocol}.List",
            "host": "127.0.0.1",
            "port": server.port,
            "username": FTP_USER,
            "password": "hunter2-secret",
            "insecureTrustAllCertificates": True,
            "from": "/",
        }
        if protocol == "ftps"
        else {
            "type": f"io.kestra.plugin.fs.{protocol}.List",
            "host": "127.0.0.1",
            "port": server.port,
            "username": FTP_USER,
            "password": "hunter2-secret",
            "from": "/",
        },
    )
    assert message.startswith(f"Login failed for user '{FTP_USER}'"), message
    assert "hunter2-secret" not in message


def test_ftps_refuses_an_untrusted_certificate(ftps_server: Ftp, run_flow: RunFlow) -> None:
    message = _error(
        run_flow,
        {
            "type": "io.kestra.plugin.fs.ftps.List",
            "host": "127.0.0.1",
            "port": ftps_server.port,
            "username": FTP_USER,
            "password": FTP_PASSWORD,
            "from": "/",
        },
    )
    assert "CERTIFICATE_VERIFY_FAILED" in message or "certificate" in message.lower(), message
    assert FTP_PASSWORD not in message
