"""One remote server per protocol, described the same way, so each remote test runs against
SFTP, FTP and FTPS alike."""

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.plugins.fs.conftest import FTP_PASSWORD, FTP_USER, Ftp, Sftp


@dataclass(frozen=True)
class Remote:
    """A server, the connection properties a flow gives it, and where its files are."""

    protocol: str
    props: dict[str, Any]
    base: str
    """The flow path of a folder of this test's own."""
    disk: Path
    """The same folder on this machine's disk."""
    host_uri: str
    """``scheme://host`` as the tasks' output URIs begin."""

    def task(self, task_id: str, kind: str, **props: Any) -> dict[str, Any]:
        """A task of this protocol's family, with the connection properties."""
        return {
            "id": task_id,
            "type": f"io.kestra.plugin.fs.{self.protocol}.{kind}",
            **self.props,
            **props,
        }


def remote_of(protocol: str, request: pytest.FixtureRequest) -> Remote:
    """The server of ``protocol`` (started by its fixture), with a fresh folder."""
    folder = f"t{uuid.uuid4().hex[:8]}"
    if protocol == "sftp":
        sftp: Sftp = request.getfixturevalue("sftp_server")
        props = {
            "host": "127.0.0.1",
            "port": str(sftp.port),
            "username": "root",
            "keyfile": sftp.key,
            "rootDir": False,
        }
        disk = sftp.home / folder
        return Remote("sftp", props, str(disk), disk, "sftp://127.0.0.1")
    implicit = protocol == "implicit_ftps"
    ftp: Ftp = request.getfixturevalue(f"{protocol}_server")
    protocol = "ftps" if implicit else protocol
    props = {"host": "127.0.0.1", "port": ftp.port, "username": FTP_USER, "password": FTP_PASSWORD}
    if protocol == "ftps":
        props.update(mode="IMPLICIT" if implicit else "EXPLICIT", insecureTrustAllCertificates=True)
    return Remote(protocol, props, f"/{folder}", ftp.home / folder, f"{protocol}://127.0.0.1")
