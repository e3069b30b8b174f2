"""Task runs dispatched to worker processes through the backend's job table."""

from collections.abc import Callable, Sequence
from datetime import datetime

from tiercel.engine import RunTask
from tiercel.model.execution import Execution
from tiercel.runtime.dispatch import ThreadDispatcher
from tiercel.runtime.wire import encode_job
from tiercel.storage.work import Job, WorkQueue


class QueueDispatcher:
    """A ``Dispatcher`` that hands task runs to workers as jobs, stored in the transaction
    of the step that made them; their results come back through the inbox table.

    Task runs inside a working directory run on ``local`` threads instead: their files live
    on one machine.
    """

    def __init__(
        self, work: WorkQueue, local: ThreadDispatcher, clock: Callable[[], datetime]
    ) -> None:
        self.work = work
        self.local = local
        self._clock = clock
        self._staged = False
        """Whether jobs were staged since the last ``flush``."""
        self.on_enqueue: Callable[[], None] | None = None
        """Called after jobs are handed over: a worker in this process starts at once."""

    def open(self) -> None:
        """Open the local threads."""
        self.local.open()

    def close(self) -> None:
        """Close the local threads."""
        self.local.close()

    def stage(self, execution: Execution, commands: Sequence[RunTask]) -> Sequence[Job]:
        """A job for each task run not inside a working directory, for the executor to store
        with the step that made it: a step and its jobs are committed together.

        Raises:
            WireError: A task run's variables are not plain data (JSON cannot hold them).
        """
        now = self._clock()
        # A job names its task by id in the execution's flow revision: the worker loads it.
        jobs = [
            Job(command.run.id, execution.id, encode_job(command, execution.flow_revision), now)
            for command in commands
            if command.directory is None
        ]
        self._staged = self._staged or bool(jobs)
        return jobs

    def dispatch(self, execution: Execution, commands: Sequence[RunTask]) -> None:
        """Run the task runs inside a working directory here (``stage`` made jobs of the
        others, stored by now)."""
        here = [command for command in commands if command.directory is not None]
        if here:
            self.local.dispatch(execution, here)

    def kill(self, run_ids: list[str]) -> None:
        """Flag the jobs of ``run_ids`` (their workers stop them) and stop those here."""
        self.work.kill(run_ids)
        self.local.kill(run_ids)

    def flush(self) -> None:
        """Tell a worker of this process that jobs were stored, if some were."""
        if self._staged:
            self._staged = False
            if self.on_enqueue is not None:
                self.on_enqueue()

    def outstanding(self) -> int:
        """Task runs out on this process's threads (jobs outlive it: they are not counted)."""
        return self.local.outstanding()

    def drain(self) -> None:
        """Start no more task runs here; jobs go on being queued, for the workers."""
        self.local.drain()

    def stats(self) -> dict[str, float]:
        """The local threads' gauges, with the jobs waiting for and held by workers."""
        waiting, held = self.work.counts()
        return {
            **self.local.stats(),
            "worker_jobs_waiting": float(waiting),
            "worker_jobs_held": float(held),
        }
