"""Which task-run attempts began on this process's workers, written as each begins.

After a crash, the next start reads the journals of the processes that are gone: a running
task run whose attempt ended there gets the result written with it (it does not run again);
one whose attempt only began had begun (its attempt ends KILLED, a new one starts); one that
is in none was only waiting for a thread, and is dispatched again as it is.

A line is written with one ``write`` and no ``fsync``: what a killed process wrote is in the
page cache and survives it; only a machine's crash can lose it, and then no task process of
that machine survives either, so a lost line costs a visible KILLED attempt, nothing more.
"""

import contextlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tiercel.engine import TaskResult
from tiercel.model.state import State
from tiercel.runtime.ids import dead_here, process_id

_COMPACT_BYTES = 64 * 1024 * 1024
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

    def ended(self, task_run_id: str, result: TaskResult | None = None) -> None:
        """The task run's attempt has ended here, with ``result`` on its way to the
        executor: written down, so that a crash before it is stored does not run it again."""
        with self._lock:
            attempt = self._running.pop(task_run_id, None)
            if result is None or attempt is None:
                return
            line = json.dumps(
                [task_run_id, attempt, result.state.value, result.outputs], default=str
            )
            self._file.write(f"{line}\n")
            self._size += len(line) + 1

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


@dataclass
class Left:
    """What the processes of this machine now gone left in their journals."""

    started: dict[str, int] = field(default_factory=dict)
    """The attempt that began last, by task run id."""
    results: dict[str, tuple[int, TaskResult]] = field(default_factory=dict)
    """The attempts that ended, with their result, by task run id."""
    journals: list[Path] = field(default_factory=list)
    """The journals read, to delete once the executions are recovered."""


def left_by_the_dead(folder: Path) -> Left:
    """Read the journals in ``folder`` of processes of this machine that are gone."""
    left = Left()
    if not folder.is_dir():
        return left
    for journal in folder.glob("*.started"):
        if not dead_here(journal.stem):
            continue
        left.journals.append(journal)
        with contextlib.suppress(OSError):
            for line in journal.read_text().splitlines():
                _read_line(line, left)
    return left


def _read_line(line: str, left: Left) -> None:
    if line.startswith("["):
        try:
            run_id, attempt, state, outputs = json.loads(line)
            result = TaskResult(str(run_id), State(state), outputs)
        except (ValueError, TypeError):
            return  # cut short by the crash
        left.results[result.task_run_id] = (int(attempt), result)
        return
    run_id, _, attempt = line.partition(" ")
    if attempt.isdigit():
        left.started[run_id] = max(int(attempt), left.started.get(run_id, 0))
