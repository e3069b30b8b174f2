"""Task runs dispatched to threads of this process."""

import threading
from collections.abc import Sequence

from tiercel.engine import RunTask, TaskResult
from tiercel.model.execution import Execution
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.runtime.ports import Inbox
from tiercel.runtime.task_worker import TaskWorker
from tiercel.runtime.worker import WorkerPool
from tiercel.storage.work import Job


class ThreadDispatcher:
    """A ``Dispatcher`` that runs task runs with ``worker`` on a pool of ``threads`` threads
    and puts their results on ``inbox``.

    The pool starts with ``open`` and stops with ``close``: ``flow test`` opens one per run.
    """

    def __init__(self, worker: TaskWorker, inbox: Inbox, threads: int) -> None:
        self.worker = worker
        self.threads = threads
        self._inbox = inbox
        self._lock = threading.Lock()
        self._out = 0
        self._draining = threading.Event()
        self._pool: WorkerPool | None = None

    def open(self) -> None:
        """Start the threads (as jobs come)."""
        self._pool = WorkerPool(self.threads)

    def close(self) -> None:
        """Let the threads finish the jobs handed over, then stop them."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def stage(self, execution: Execution, commands: Sequence[RunTask]) -> Sequence[Job]:
        """No job: the task runs start on threads once their step is stored."""
        return ()

    def unstage(self) -> None:
        """Nothing was staged."""

    def dispatch(self, execution: Execution, commands: Sequence[RunTask]) -> None:
        """Run the task runs of ``commands`` on the next free threads."""
        execution_id = execution.id
        if self._draining.is_set():
            return  # left RUNNING in the store: the next start gives them a new attempt
        pool = self._pool
        assert pool is not None, "the dispatcher is not open"
        # Counted at once: taking the lock per job would wait on busy threads each time.
        with self._lock:
            self._out += len(commands)
        for command in commands:
            pool.submit(self._run, execution_id, command)

    def kill(self, run_ids: list[str]) -> None:
        """Stop the task runs of ``run_ids`` running here."""
        self.worker.kill(run_ids)

    def flush(self) -> None:
        """Nothing waits: jobs are handed to the threads at once."""

    def outstanding(self) -> int:
        """Task runs handed to the threads whose result is not yet on the inbox."""
        with self._lock:
            return self._out

    def drain(self) -> None:
        """Start no more task runs."""
        self._draining.set()

    def stats(self) -> dict[str, float]:
        """Jobs out at the threads, and how many threads there are."""
        return {"worker_jobs_running": float(self.outstanding()), "worker_threads": self.threads}

    def _run(self, execution_id: str, command: RunTask) -> None:
        try:
            try:
                result = self.worker.run(execution_id, command)
            except Exception as exc:  # a bug here must not leave the run hanging
                # The task's own failures are its result already; this is the worker's code
                # failing around it. The run fails with the reason instead of waiting forever.
                message = f"the worker failed to run this task: {type(exc).__name__}: {exc}"
                self.worker.logbook.executor_line(
                    execution_id, command.run, LogLevel.ERROR, message
                )
                result = TaskResult(command.run.id, State.FAILED)
            self._inbox.put(execution_id, result)
        finally:
            with self._lock:
                self._out -= 1
