"""What ``/executions/{id}/follow`` sends: the execution as Kestra's JSON each time it
changes, built so that a change costs what changed, not the size of the execution.

Each poll reads the execution's row and the states of its task runs (no documents). Only the
task runs that are new or whose state moved are read and turned into JSON again; the others'
JSON is kept from before. The document sent is the same as ``GET /executions/{id}``'s (its
``taskRunList`` written last). Once the execution has ended, every task run is read once more,
so that the last document is exactly what is stored. A change to a task run that leaves its
state as it was (an attempt retried between two polls) shows with its next change of state,
or at the end.
"""

import json

from tiercel.api.context import ApiContext
from tiercel.model.execution import Execution, TaskRun

Glance = tuple[Execution, list[tuple[str, str]]]


class ExecutionFollower:
    """Polls one execution and composes its JSON from the task runs it keeps."""

    def __init__(self, ctx: ApiContext, execution_id: str) -> None:
        self._ctx = ctx
        self._id = execution_id
        self._glance: Glance | None = None
        self._states: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._last = ""

    def snapshot(self) -> tuple[Execution, str] | None:
        """The execution and its JSON now (the same text as before when nothing changed);
        None once the execution is gone."""
        polled = self.poll()
        if polled is None:
            return None
        text, execution = polled
        if text is not None:
            self._last = text
        return execution, self._last

    def poll(self) -> tuple[str | None, Execution] | None:
        """The execution's JSON if something changed since the last poll (else None), with
        the execution; None once the execution is gone. An ended execution is read whole
        (``final``)."""
        executions = self._ctx.executions
        execution = executions.get(self._id)
        if execution is None:
            return None
        if execution.state.current.is_terminated:
            return self.final()
        states = executions.run_states(self._id)
        if self._glance == (execution, states):
            return None, execution
        self._glance = (execution, states)
        changed = [run_id for run_id, state in states if self._states.get(run_id) != state]
        self._keep(executions.runs(changed) if changed else [], states)
        return self._compose(execution, states), execution

    def final(self) -> tuple[str, Execution] | None:
        """The execution's JSON from every task run read again; None if it is gone."""
        stored = self._ctx.executions.load(self._id)
        if stored is None:
            return None
        execution, runs = stored
        states = [(run.id, run.state.current.value) for run in runs]
        self._texts.clear()
        self._keep(runs, states)
        return self._compose(execution, states), execution

    def _keep(self, runs: list[TaskRun], states: list[tuple[str, str]]) -> None:
        masker = self._ctx.masker
        for run in runs:
            self._texts[run.id] = json.dumps(masker.mask_value(run.to_kestra_json()), default=str)
        self._states = dict(states)
        self._texts = {
            run_id: self._texts[run_id] for run_id in self._states if run_id in self._texts
        }

    def _compose(self, execution: Execution, states: list[tuple[str, str]]) -> str:
        head = self._ctx.masker.mask_value(execution.to_kestra_json([]))
        del head["taskRunList"]
        runs = ",".join(self._texts[run_id] for run_id, _ in states if run_id in self._texts)
        return json.dumps(head, default=str)[:-1] + ',"taskRunList":[' + runs + "]}"
