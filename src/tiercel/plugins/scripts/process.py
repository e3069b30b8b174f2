"""Run a command as a local process in its own session, streaming its output as it comes.

The process is tracked (``tiercel.host.processes``): it dies with its worker, and killing the
task ends it and everything it started (its group, its cgroup or the sessions it made), none
left behind.
"""

import contextlib
import subprocess
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from tiercel.host import processes
from tiercel.plugins.scripts.log_consumer import LogConsumer

KILL_GRACE_SECONDS = 3.0
"""How long a killed process group has to end after SIGTERM before it gets SIGKILL."""

_POLL_SECONDS = 0.05

MAX_LINE_BYTES = 1024 * 1024
"""The longest line read whole; the rest of a longer one is counted, never held."""


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
    tracked = processes.start(args, cwd=cwd, env=env)
    process = tracked.popen
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
    try:
        while not exited.wait(_POLL_SECONDS):
            tracked.watch()
            if killed.is_set():
                _kill(tracked)
                break
        # A child left in the background may hold the pipes open: wait for it, unless killed.
        for reader in readers:
            while reader.is_alive():
                reader.join(_POLL_SECONDS)
                tracked.watch()
                if killed.is_set():
                    _kill(tracked)
                    reader.join(KILL_GRACE_SECONDS)
                    break
    finally:
        tracked.release()
    if killed.is_set():
        return None
    return process.returncode


def _read(stream: IO[bytes], consumer: LogConsumer, is_std_err: bool) -> None:
    with stream:
        while raw := stream.readline(MAX_LINE_BYTES):
            dropped = 0
            if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
                # An endless line: only its start is kept, the rest is read and counted.
                while rest := stream.readline(65536):
                    dropped += len(rest)
                    if rest.endswith(b"\n"):
                        break
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            consumer.accept(line, is_std_err, dropped=dropped)


def _kill(tracked: processes.TrackedProcess) -> None:
    """SIGTERM to the process group, then SIGKILL to whatever is left of what it started."""
    tracked.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        tracked.popen.wait(KILL_GRACE_SECONDS)
    # Children that ignored SIGTERM, outlived their shell or left its session are still found.
    tracked.kill()
