"""Debian's OpenSSH sshd in the foreground on a free loopback port, letting ``root`` in by key:
the server of the git SSH tests and of the SFTP tests."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.conftest import free_port

SSHD = Path("/usr/sbin/sshd")


def keygen(path: Path, passphrase: str = "") -> None:
    """An ed25519 key pair at ``path`` and ``path.pub``."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", str(path)], check=True
    )


@contextmanager
def running_sshd(home: Path, authorized_keys: Path, *, extra: str = "") -> Iterator[int]:
    """An sshd whose host key and configuration live in ``home``, letting root in with the keys
    of ``authorized_keys`` (plus the ``extra`` configuration lines); its port.

    Fails the test when sshd is missing or the tests do not run as root.
    """
    if not SSHD.exists() or shutil.which("ssh-keygen") is None:
        pytest.fail("the SSH and SFTP tests need openssh-server: apt-get install openssh-server")
    if os.geteuid() != 0:
        pytest.fail("the SSH and SFTP tests log in as root and so must run as root")
    # sshd refuses to start without its privilege separation directory (made by its service).
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    keygen(home / "host")
    port = free_port()
    config = home / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home / 'host'}\n"
        f"AuthorizedKeysFile {authorized_keys}\nPidFile {home / 'sshd.pid'}\n"
        "PermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\n" + extra
    )
    process = subprocess.Popen(
        [str(SSHD), "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None and time.monotonic() < deadline, "sshd did not start"
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)
