"""Emulators of cloud services (moto, gcp-storage-emulator, Azurite) as test processes.

Each runs on a free loopback port for the whole session and is stopped at its end.
"""

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.conftest import free_port

_READY_TIMEOUT = 60.0


@contextmanager
def service(
    argv: Sequence[str],
    port: int,
    log: Path,
    env: Mapping[str, str] | None = None,
) -> Iterator[int]:
    """Start ``argv``, wait until ``port`` accepts connections, yield it, stop the process."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + _READY_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"{argv[0]} exited at start: {log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{argv[0]} did not listen on {port}: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def executable(name: str) -> str:
    """A console script of the test environment (next to the running interpreter)."""
    import sys

    path = Path(sys.executable).parent / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'", pytrace=False)
    return str(path)


__all__ = ["executable", "free_port", "service"]
