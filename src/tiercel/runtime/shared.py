"""Executors, workers and API servers in separate processes, sharing work through the backend.

The executor hands each task run to the ``WorkQueue`` as a job; ``SharedWorker`` processes,
on this machine or others, claim jobs under a lease they renew, and post each result to the
executor's inbox in the transaction that deletes the job. The API and the scheduler of other
processes create executions through ``RemoteRunner``, which posts to the same inbox. A worker
that dies stops renewing its leases: the executor takes its jobs back, and their task runs get
a new attempt, visible as such. An executor that dies loses nothing either: jobs outlive it,
their results wait in the inbox, and the next executor gives a new attempt only to the running
task runs that have neither.

Jobs and events travel as versioned JSON (``wire``). A payload of another major version is
left in the queue for a process of that version, with one log line: during a rolling upgrade
an old worker gives a new executor's jobs back, and an old executor leaves a new process's
events in the inbox for the executor that replaces it.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from tiercel.engine import Event
from tiercel.model.execution import Execution, ExecutionTrigger
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.runtime.creation import new_execution
from tiercel.runtime.ports import Admit
from tiercel.runtime.services import Services
from tiercel.runtime.wire import encode_event
from tiercel.storage.work import WorkQueue

LEASE = timedelta(seconds=30)
"""How long a worker holds a job without renewing its lease; it renews every third of it."""


class RemoteRunner:
    """The ``ExecutionRunner`` of a process without an executor: it stores new executions
    and posts events to the executor's inbox."""

    def __init__(self, services: Services, queue: WorkQueue) -> None:
        self.services = services
        self.queue = queue

    def create(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        trigger: ExecutionTrigger | None = None,
        schedule_date: datetime | None = None,
    ) -> Execution:
        """Store a new execution of ``flow`` and ask the executor to admit it.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        execution = new_execution(
            self.services,
            flow,
            dict(inputs or {}),
            labels,
            trigger=trigger,
            schedule_date=schedule_date,
        )
        self.services.executions.save(execution, ())
        self.queue.post(execution.id, encode_event(Admit()), now=self.services.clock())
        return execution

    def send(self, execution_id: str, event: Event) -> None:
        """Post ``event`` for the execution to the executor's inbox."""
        self.queue.post(execution_id, encode_event(event), now=self.services.clock())


__all__ = ["LEASE", "Admit", "RemoteRunner"]
