"""Real servers on loopback for the remote file-system tests: Debian's OpenSSH sshd with its
SFTP subsystem, and pyftpdlib serving FTP and FTPS (a self-signed certificate made here)."""

import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import free_port
from tests.plugins.sshd import keygen, running_sshd

FTP_USER, FTP_PASSWORD = "kestra", "s3cr3t-ftp-pass"


@dataclass(frozen=True)
class Sftp:
    """An sshd on loopback letting ``root`` in with ``key``; ``home`` is a folder to use."""

    port: int
    key: str
    home: Path


@dataclass(frozen=True)
class Ftp:
    """An FTP (or FTPS) server whose user ``FTP_USER`` starts in ``home``."""

    port: int
    home: Path


def _wait_for(port: int, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert alive() and time.monotonic() < deadline, f"server on {port} did not start"
        time.sleep(0.05)


@pytest.fixture(scope="session")
def sftp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sftp]:
    """Debian's sshd in the foreground on a free port, with the SFTP subsystem on."""
    home = tmp_path_factory.mktemp("sftpd")
    keygen(home / "key")
    extra = "PasswordAuthentication yes\nSubsystem sftp internal-sftp\n"
    with running_sshd(home, home / "key.pub", extra=extra) as port:
        files = home / "files"
        files.mkdir()
        yield Sftp(port, (home / "key").read_text(), files)


def _certificate(folder: Path) -> Path:
    """A self-signed certificate and its key for 127.0.0.1, in one PEM file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = folder / "server.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


def _serve_ftp(home: Path, tls: Path | None, implicit: bool = False) -> Iterator[Ftp]:
    # pyftpdlib runs on asynchat/asyncore, which Python 3.11 warns about on import (3.12 has
    # its own copy bundled by pyftpdlib): the warning is about the server, not Tiercel.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
        from pyftpdlib.servers import ThreadedFTPServer

    authorizer = DummyAuthorizer()
    authorizer.add_user(FTP_USER, FTP_PASSWORD, str(home), perm="elradfmwMT")
    handler: type[FTPHandler]
    if tls is None:
        handler = type("Handler", (FTPHandler,), {})
    elif not implicit:
        handler = type("Handler", (TLS_FTPHandler,), {"certfile": str(tls)})
    else:

        class Implicit(TLS_FTPHandler):  # type: ignore[misc]
            """TLS from the first byte: the handshake, then the welcome (pyftpdlib itself
            only speaks explicit FTPS)."""

            certfile = str(tls)

            def handle(self) -> None:
                self.secure_connection(self.ssl_context)

            def handle_ssl_established(self) -> None:
                TLS_FTPHandler.handle(self)

        handler = Implicit
    handler.authorizer = authorizer
    handler.log_prefix = ""
    port = free_port()
    server = ThreadedFTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)
    thread.start()
    try:
        _wait_for(port, thread.is_alive)
        yield Ftp(port, home)
    finally:
        server.close_all()
        thread.join(10)


@pytest.fixture
def ftp_server(tmp_path: Path) -> Iterator[Ftp]:
    """pyftpdlib on a free loopback port, plain FTP."""
    home = tmp_path / "ftp-home"
    home.mkdir()
    yield from _serve_ftp(home, None)


@pytest.fixture
def ftps_server(tmp_path: Path) -> Iterator[Ftp]:
    """pyftpdlib on a free loopback port, explicit FTPS with a self-signed certificate."""
    home = tmp_path / "ftps-home"
    home.mkdir()
    yield from _serve_ftp(home, _certificate(tmp_path))


@pytest.fixture
def implicit_ftps_server(tmp_path: Path) -> Iterator[Ftp]:
    """pyftpdlib on a free loopback port, speaking TLS from the first byte (implicit FTPS)."""
    home = tmp_path / "implicit-home"
    home.mkdir()
    yield from _serve_ftp(home, _certificate(tmp_path), implicit=True)
