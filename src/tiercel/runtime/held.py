"""The executions an executor holds in memory while they run, and the flows they run."""

from collections.abc import Callable, Iterator, Mapping

from tiercel.engine import ExecutionView, FlowIndex, include_templates
from tiercel.model.execution import Execution, TaskRun
from tiercel.model.flow import Flow
from tiercel.ops.playground import narrowed
from tiercel.runtime.services import Services, executor_reveal
from tiercel.runtime.task_worker import FlowFinder

_PREPARED = 512
"""The most flows whose index ``Held`` keeps at once."""

_SHARED: dict[int, tuple[Flow, FlowIndex]] = {}
"""The indexes of flows that include no template, for every ``Held`` of the process."""


class Held:
    """Executions in memory by id, each an ``ExecutionView`` over its flow, with the server's
    ``envs`` and ``globals``.

    Args:
        services: The stores executions are loaded from.
        find_flow: The flow of an execution, by namespace, id and revision.
        templates: Kestra's deprecated templates, by namespace and id, for ``flow.Template``.
    """

    def __init__(
        self,
        services: Services,
        find_flow: FlowFinder,
        templates: Mapping[tuple[str, str], Flow] | None = None,
    ) -> None:
        self.services = services
        self.find_flow = find_flow
        self._templates = dict(templates or {})
        self._views: dict[str, ExecutionView] = {}
        self._prepared: dict[int, tuple[Flow, FlowIndex]] = {}
        """By ``id`` of a flow as found: the flow with its templates included, and its index;
        a flow is immutable, so executions of it share both instead of walking its tasks each.
        """

    def __len__(self) -> int:
        return len(self._views)

    def __iter__(self) -> Iterator[ExecutionView]:
        return iter(list(self._views.values()))

    def get(self, execution_id: str) -> ExecutionView | None:
        """The execution held under that id, if any."""
        return self._views.get(execution_id)

    def release(self, execution_id: str) -> None:
        """Let go of an execution."""
        self._views.pop(execution_id, None)

    def hold(self, flow: Flow, execution: Execution, runs: list[TaskRun]) -> ExecutionView:
        """Hold ``execution`` of ``flow`` with its task runs."""
        services = self.services
        index = self._index(flow, execution)
        view = ExecutionView(
            index.flow,
            execution,
            runs,
            environment={"envs": services.envs, "globals": services.globals},
            reveal=executor_reveal(services.cipher),
            index=index,
        )
        self._views[execution.id] = view
        return view

    def _index(self, flow: Flow, execution: Execution) -> FlowIndex:
        """The index of the flow ``execution`` runs: ``flow`` with its templates included,
        narrowed to one task for a playground run."""
        narrow = narrowed(flow, execution)  # a playground run runs its one task only
        if narrow is not flow:
            return FlowIndex(self._with_templates(narrow))
        kept = self._prepared.get(id(flow)) or _SHARED.get(id(flow))
        if kept is not None and kept[0] is flow:
            return kept[1]
        prepared = self._with_templates(flow)
        index = FlowIndex(prepared)
        # Without templates, the index depends on the flow alone: every runner may share it.
        kept_in = _SHARED if prepared is flow else self._prepared
        if len(kept_in) >= _PREPARED:
            kept_in.clear()  # flows superseded by new revisions go; the rest come back
        kept_in[id(flow)] = (flow, index)
        return index

    def _with_templates(self, flow: Flow) -> Flow:
        return include_templates(flow, lambda namespace, id_: self._templates.get((namespace, id_)))

    def load(
        self, execution_id: str, on_missing_flow: Callable[[str], None]
    ) -> ExecutionView | None:
        """The execution held under that id, else loaded from the store and held; None when
        it is not stored, or its flow is unknown (``on_missing_flow`` is told)."""
        view = self._views.get(execution_id)
        if view is not None:
            return view
        stored = self.services.executions.load(execution_id)
        if stored is None:
            return None
        execution, runs = stored
        flow = self.find_flow(execution.namespace, execution.flow_id, execution.flow_revision)
        if flow is None:
            on_missing_flow(execution_id)
            return None
        return self.hold(flow, execution, runs)

    def flow_of(self, execution_id: str) -> tuple[str, str]:
        """The namespace and flow id of a held execution, for log lines about no task run."""
        view = self._views.get(execution_id)
        return ("", "") if view is None else (view.execution.namespace, view.execution.flow_id)

    def run(self, execution_id: str, run_id: str) -> TaskRun | None:
        """A task run of a held execution."""
        view = self._views.get(execution_id)
        return None if view is None else view.runs.get(run_id)

    def executions(self) -> dict[str, Execution]:
        """Every held execution by id."""
        return {eid: view.execution for eid, view in self._views.items()}
