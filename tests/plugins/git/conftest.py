"""Local bare repositories served by path (``file://``) and by an sshd on loopback, and the
namespace files of the flows a test runs."""

import base64
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from tests.plugins.sshd import keygen, running_sshd

from tiercel.ops.flows import Flows
from tiercel.registry import default_registry
from tiercel.storage.namespace_files import StorageNamespaceFiles
from tiercel.wiring import local_services

GIT_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path) -> str:
    """Run git in ``cwd``; its output."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository whose ``main`` has ``README.md`` and ``_files/scripts/hello.py``,
    then a second commit tagged ``v1`` adding ``CHANGELOG``, and a ``dev`` branch."""
    bare = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp_path)
    work = tmp_path / "seed"
    git("clone", "-q", str(bare), str(work), cwd=tmp_path)
    (work / "_files" / "scripts").mkdir(parents=True)
    (work / "README.md").write_text("# demo\n")
    (work / "_files" / "scripts" / "hello.py").write_text("print('hello')\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "first", cwd=work)
    (work / "CHANGELOG").write_text("v1\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "second", cwd=work)
    git("tag", "v1", cwd=work)
    git("push", "-q", "origin", "main", "--tags", cwd=work)
    git("checkout", "-q", "-b", "dev", cwd=work)
    (work / "DEV").write_text("dev\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "dev", cwd=work)
    git("push", "-q", "origin", "dev", cwd=work)
    return bare


@pytest.fixture
def namespace_files(tmp_path: Path) -> Callable[[], StorageNamespaceFiles]:
    """Open the namespace files of the backend the test's flows use (read it after a run)."""

    def open_files() -> StorageNamespaceFiles:
        with local_services(tmp_path / "data") as services:
            return StorageNamespaceFiles(services.storage)

    return open_files


@dataclass(frozen=True)
class SshServer:
    """An sshd on loopback that lets ``root`` in with ``key`` (or ``locked_key`` and its
    passphrase ``PASSPHRASE``)."""

    port: int
    key: str
    locked_key: str


PASSPHRASE = "open sesame"


@pytest.fixture(scope="session")
def ssh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """Debian's sshd as a foreground process on a free loopback port, for this session."""
    home = tmp_path_factory.mktemp("sshd")
    keygen(home / "key")
    keygen(home / "locked", PASSPHRASE)
    authorized = home / "authorized_keys"
    authorized.write_text((home / "key.pub").read_text() + (home / "locked.pub").read_text())
    with running_sshd(home, authorized, extra="PasswordAuthentication no\n") as port:
        yield SshServer(port, (home / "key").read_text(), (home / "locked").read_text())


@pytest.fixture
def flows_store(tmp_path: Path) -> Callable[[], Flows]:
    """The deployed flows of the backend the test's flows use."""

    def open_flows() -> Flows:
        with local_services(tmp_path / "data") as services:
            return Flows(services.flows, services.triggers, default_registry(), services.clock)

    return open_flows


TOKEN_USER, TOKEN = "bot", "ghp_t0ken-for-tests"


def _http_backend(root: Path) -> Callable[..., list[bytes]]:
    """A WSGI app serving the repositories under ``root`` with ``git http-backend`` (Git's
    own smart HTTP server), behind basic authentication as ``TOKEN_USER``/``TOKEN``."""
    expected = "Basic " + base64.b64encode(f"{TOKEN_USER}:{TOKEN}".encode()).decode()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("HTTP_AUTHORIZATION") != expected:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"')])
            return [b"authentication required"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        cgi = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": TOKEN_USER,
            "REMOTE_ADDR": "127.0.0.1",
            "PATH_INFO": environ.get("PATH_INFO", ""),
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": environ.get("HTTP_CONTENT_ENCODING", ""),
            "GIT_PROTOCOL": environ.get("HTTP_GIT_PROTOCOL", ""),
        }
        done = subprocess.run(["git", "http-backend"], input=body, env=cgi, capture_output=True)
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status = "200 OK"
        headers = []
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = value.strip()
            elif name:
                headers.append((name, value.strip()))
        start_response(status, headers)
        return [payload]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


@pytest.fixture
def http_remote(remote: Path) -> Iterator[str]:
    """The URL of ``remote`` over HTTP, through Git's smart HTTP protocol and a token."""
    server = make_server("127.0.0.1", 0, _http_backend(remote.parent), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{remote.name}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
