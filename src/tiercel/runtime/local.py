"""``tiercel flow test`` and ``tiercel recover``: the executor loop with an inbox in memory and
a pool of worker threads, run until everything has settled.

The flow's ``concurrency`` applies as on a server: subflow executions over the limit are
queued, cancelled or failed.
"""

import gc
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tiercel.engine import Event
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.runtime.dispatch import ThreadDispatcher
from tiercel.runtime.executor import Executor
from tiercel.runtime.held import Held
from tiercel.runtime.inbox import MemoryInbox
from tiercel.runtime.journal import Left
from tiercel.runtime.logbook import Logbook
from tiercel.runtime.recovery import pick_up_unfinished
from tiercel.runtime.services import Finished, LogLine, Services
from tiercel.runtime.task_worker import FlowFinder, TaskWorker


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the collector less often while executions run.

    Each transition makes many small short-lived objects; with the default thresholds the full
    collections, which walk every live object, come often enough to make a 10,000-run loop
    cost more per task than a 1,000-run one.

    At the end of a run that left many young objects (the executions it holds and returns),
    they are moved to the oldest generation at once (``gc.freeze`` then ``gc.unfreeze``, two
    list splices). With the usual thresholds back, the first allocation would otherwise start a
    young collection of everything the run made: after a 10,000-run loop, 200,000 objects and a
    third of the run's time. Those objects are freed by reference counting as before; a cycle
    among them (or among the young objects of the rest of the process, which move with them)
    waits for the next full collection. After a small run the young collection is cheap and
    keeps finding such cycles early, so it is left to run. Skipped when something froze objects
    on purpose (a pre-fork server), which ``unfreeze`` would undo.
    """
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        if gc.get_count()[0] >= _PROMOTE_FROM and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.set_threshold(*before)


_PROMOTE_FROM = 20_000
"""Young objects from which a run's survivors skip the young collection (``_fewer_collections``):
one of this size takes a few milliseconds."""


class LocalRunner:
    """Runs executions to their end with a pool of worker threads."""

    def __init__(
        self,
        services: Services,
        flows: Mapping[tuple[str, str], Flow] | None = None,
        *,
        templates: Mapping[tuple[str, str], Flow] | None = None,
        threads: int = 4,
        on_log: Callable[[LogLine], None] | None = None,
    ) -> None:
        self.services = services
        self.flows = dict(flows or {})
        find = _finder(self.flows)  # not a method: the parts hold no reference to the runner
        self.held = Held(services, find, templates)
        self.logbook = Logbook(services, self.held.flow_of, on_log=on_log, keep=True)
        self.worker = TaskWorker(services, self.logbook, find, self.held.run, keep_metrics=True)
        inbox = MemoryInbox()
        self.dispatcher = ThreadDispatcher(self.worker, inbox, threads)
        self.executor = Executor(self.held, inbox, self.dispatcher, self.logbook)

    def execute(
        self,
        flow: Flow,
        inputs: Mapping[str, Any] | None = None,
        labels: tuple[Label, ...] = (),
        *,
        timeout: float | None = None,
    ) -> Finished:
        """Create an execution of ``flow`` and run it until it ends or waits to be resumed.

        With ``timeout`` (seconds), executions still running then are killed.

        Raises:
            InputError: the inputs are refused; no execution was created.
        """
        self.flows.setdefault((flow.namespace, flow.id), flow)
        self.worker.deployed_flow(flow.namespace, flow.id)
        root = self.executor.create(flow, dict(inputs or {}), labels)
        return self._run(root.id, timeout)

    def continue_execution(
        self, execution_id: str, event: Event, *, timeout: float | None = None
    ) -> Finished:
        """Load a stored execution and apply ``event`` to it (a resume, a kill, a restart),
        then run it until it ends or waits again.

        Raises:
            LookupError: no such execution, or its flow is not known to this runner.
        """
        stored = self.services.executions.load(execution_id)
        if stored is None:
            raise LookupError(f"execution '{execution_id}' not found")
        execution, runs = stored
        flow = self.held.find_flow(execution.namespace, execution.flow_id, None)
        if flow is None:
            raise LookupError(f"flow '{execution.namespace}.{execution.flow_id}' not found")
        self.held.hold(flow, execution, runs)
        self.executor.inbox.put(execution_id, event)
        return self._run(execution_id, timeout)

    def recover(
        self, *, timeout: float | None = None, left: Left | None = None
    ) -> dict[str, Execution]:
        """Pick up every stored execution that a stopped process left unfinished: running
        task runs get a new attempt, waits resume. Returns the executions, as they end.

        With ``left`` (the journals of the stopped processes), only the task runs that had
        begun get a KILLED attempt, as a server's own recovery does. Executions of flows
        this runner does not know are left as they are.
        """
        recovered = pick_up_unfinished(self.executor, left)
        if not recovered:
            return {}
        self._run(recovered[0], timeout)
        executions = self.held.executions()
        return {eid: executions[eid] for eid in recovered}

    def _run(self, execution_id: str, timeout: float | None) -> Finished:
        """Work until everything has settled; report on ``execution_id``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        # Working directories of task runs live here until the run is over.
        with (
            _fewer_collections(),
            tempfile.TemporaryDirectory(prefix="tiercel-work-") as work_root,
        ):
            self.worker.work_root = Path(work_root)
            self.dispatcher.open()
            try:
                self.executor.run_until_settled(deadline)
            finally:
                self.dispatcher.close()
        view = self.held.get(execution_id)
        assert view is not None
        return Finished(
            view.execution,
            view.task_runs(),
            self.logbook.kept,
            self.worker.metrics,
            self.held.executions(),
            view.outputs,
        )


def _finder(flows: dict[tuple[str, str], Flow]) -> FlowFinder:
    """The flows a runner was given, by namespace and id (any revision)."""

    def find(namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        return flows.get((namespace, flow_id))

    return find
