"""Group commit: events waiting together in the executor's inbox are applied in turn and their
steps stored in one transaction, before any of their commands is carried out."""

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tiercel.engine import Kill
from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.dispatch import ThreadDispatcher
from tiercel.runtime.executor import Executor
from tiercel.runtime.held import Held
from tiercel.runtime.inbox import MemoryInbox
from tiercel.runtime.logbook import Logbook
from tiercel.runtime.task_worker import TaskWorker
from tiercel.storage import ExecutionStore, Transition
from tiercel.storage.work import Job
from tiercel.wiring import local_services

FLOW = """\
id: grouped
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "{{ execution.id }}"
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.first.value }}!"
"""


class CountingStore:
    """The execution store, counting the transitions each transaction holds."""

    def __init__(self, store: ExecutionStore) -> None:
        self.store = store
        self.groups: list[int] = []

    def save_all(self, transitions: Sequence[Transition], jobs: Sequence[Job] = ()) -> None:
        self.groups.append(len(transitions))
        self.store.save_all(transitions, jobs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_starts_waiting_together_are_stored_in_one_transaction(tmp_path: Path) -> None:
    flow = load_flows(FLOW, "grouped.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        counting = CountingStore(services.executions)
        services.executions = counting  # type: ignore[assignment]
        runner = LocalRunner(services)
        waiting = [runner.executor.create(flow, {}) for _ in range(4)]
        finished = runner.execute(flow)  # a fifth: all five Starts wait in the inbox
        assert counting.groups[0] == 5
        for created in [*waiting, finished.execution]:
            stored = counting.store.load(created.id)
            assert stored is not None
            execution, runs = stored
            assert execution.state.current.value == "SUCCESS"
            assert [run.outputs for run in runs] == [
                {"value": created.id},
                {"value": f"{created.id}!"},
            ]


def test_each_change_of_a_group_is_told_once_in_order(tmp_path: Path) -> None:
    """A start and a kill of one execution, applied in one group: listeners hear RUNNING, then
    the kill's state, not the last state twice (a flow trigger would start twice)."""
    flow = load_flows(FLOW, "grouped.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        seen: list[str] = []
        held = Held(services, lambda namespace, flow_id, revision: flow)
        logbook = Logbook(services, held.flow_of)
        worker = TaskWorker(services, logbook, lambda namespace, flow_id, revision: flow, held.run)
        inbox = MemoryInbox()
        executor = Executor(
            held,
            inbox,
            ThreadDispatcher(worker, inbox, 1),
            logbook,
            on_change=lambda execution: seen.append(execution.state.current.value),
        )
        created = executor.create(flow, {})
        inbox.put(created.id, Kill())  # waits behind the Start
        executor.dispatcher.open()
        try:
            executor.run_until_settled(time.monotonic() + 60)
        finally:
            executor.dispatcher.close()
        assert seen[0] == "RUNNING"
        assert seen[1:] in (["KILLING", "KILLED"], ["KILLED"])
