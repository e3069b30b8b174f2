"""Run a command as a local process in its own session, streaming its output as it comes.

The process leads a new session (and so a new process group): killing the task signals the
whole group, so shells, their children and grandchildren all go, none left behind.
"""

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from tiercel.plugins.scripts.log_consumer import LogConsumer

KILL_GRACE_SECONDS = 3.0
"""How long a killed process group has to end after SIGTERM before it gets SIGKILL."""

_POLL_SECONDS = 0.05


def run_process(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    consumer: LogConsumer,
    killed: threading.Event,
) -> int | None:
    """Run ``args``; each line goes to ``consumer`` as it is printed.

    Returns:
        The exit code, or None when ``killed`` was set and the process group was killed.
    """
    process = subprocess.Popen(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    readers = [
        threading.Thread(target=_read, args=(process.stdout, consumer, False), daemon=True),
        threading.Thread(target=_read, args=(process.stderr, consumer, True), daemon=True),
    ]
    for reader in readers:
        reader.start()
    # A thread waits for the exit, so that it is seen at once rather than at the next poll.
    exited = threading.Event()

    def wait_for_exit() -> None:
        process.wait()
        exited.set()

    threading.Thread(target=wait_for_exit, daemon=True).start()
    while not exited.wait(_POLL_SECONDS):
        if killed.is_set():
            _kill_group(process)
            break
    # A child left in the background may hold the pipes open: wait for it, unless killed.
    for reader in readers:
        while reader.is_alive():
            reader.join(_POLL_SECONDS)
            if killed.is_set():
                _kill_group(process)
                reader.join(KILL_GRACE_SECONDS)
                break
    if killed.is_set():
        return None
    return process.returncode


def _read(stream: IO[bytes], consumer: LogConsumer, is_std_err: bool) -> None:
    with stream:
        for raw in iter(stream.readline, b""):
            consumer.accept(raw.decode("utf-8", errors="replace").rstrip("\r\n"), is_std_err)


def _kill_group(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM to the process group, then SIGKILL to whatever is left of it."""
    group = process.pid  # the session leader's pid is the group id
    _signal_group(group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(KILL_GRACE_SECONDS)
    # Children that ignored SIGTERM (or outlived their shell) are still in the group.
    _signal_group(group, signal.SIGKILL)
    process.wait()


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)
