"""Which task-run attempts began on this process's workers, written as each begins.

After a crash, the next start reads the journals of the processes that are gone: a running
task run whose attempt is in one had begun (its attempt ends KILLED, a new one starts); one
that is not was only waiting for a thread, and is dispatched again as it is.

A line is written with one ``write`` and no ``fsync``: what a killed process wrote is in the
page cache and survives it; only a machine's crash can lose it, and then no task process of
that machine survives either, so a lost line costs a visible KILLED attempt, nothing more.
"""

import contextlib
import os
import threading
from pathlib import Path

from tiercel.runtime.ids import dead_here, process_id

_COMPACT_BYTES = 4 * 1024 * 1024
"""A journal over this size is written again with only the attempts still running."""


class RunJournal:
    """This process's journal in ``folder``."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / f"{process_id()}.started"
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._file = open(self.path, "a", buffering=1)  # noqa: SIM115 - lives with the process
        self._size = 0

    def started(self, task_run_id: str, attempt: int) -> None:
        """The attempt ``attempt`` (1 for the first) of a task run begins now."""
        line = f"{task_run_id} {attempt}\n"
        with self._lock:
            self._running[task_run_id] = attempt
            self._file.write(line)
            self._size += len(line)
            if self._size > _COMPACT_BYTES:
                self._compact()

    def ended(self, task_run_id: str) -> None:
        """The task run's attempt has ended here (its result is on its way)."""
        with self._lock:
            self._running.pop(task_run_id, None)

    def close(self) -> None:
        """Stop writing; the journal is deleted: a process that stops cleanly leaves none."""
        with self._lock:
            self._file.close()
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _compact(self) -> None:
        fresh = self.path.with_suffix(".compacting")
        with open(fresh, "w") as file:
            for run_id, attempt in self._running.items():
                file.write(f"{run_id} {attempt}\n")
        os.replace(fresh, self.path)
        self._file.close()
        self._file = open(self.path, "a", buffering=1)  # noqa: SIM115
        self._size = self.path.stat().st_size


def started_by_the_dead(folder: Path) -> tuple[dict[str, int], list[Path]]:
    """The attempts that began on processes of this machine now gone (task run id to
    attempt), and their journals, to delete once the attempts are recovered."""
    started: dict[str, int] = {}
    journals: list[Path] = []
    if not folder.is_dir():
        return started, journals
    for journal in folder.glob("*.started"):
        if not dead_here(journal.stem):
            continue
        journals.append(journal)
        with contextlib.suppress(OSError):
            for line in journal.read_text().splitlines():
                run_id, _, attempt = line.partition(" ")
                if attempt.isdigit():
                    started[run_id] = max(int(attempt), started.get(run_id, 0))
    return started, journals
