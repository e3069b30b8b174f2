"""Subflow tasks: the executions they start, one per batch for ForEachItem, and their ends."""

from functools import partial
from typing import Any

from tiercel.engine.context import task_variables
from tiercel.engine.core import EngineCore
from tiercel.engine.events import (
    StartSubflow,
    SubflowEnded,
)
from tiercel.expr import ExpressionError, render_value
from tiercel.model.execution import TaskRun, evolve
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.sdk.task import (
    SubflowCall,
    SubflowTask,
)


class Subflows(EngineCore):
    """Starting the executions of subflow tasks and hearing of their ends."""

    def _start_subflow(self, running: TaskRun, task: SubflowTask) -> None:
        self._save(running)
        variables = task_variables(self.view, running, task)
        batches = task.batches(self.view.outputs)
        calls: list[SubflowCall] = []
        try:
            for index, batch in enumerate(batches if batches is not None else [None]):
                scope = variables
                if batch is not None:
                    # Each batch sees its file and number as taskrun.items/.iteration.
                    taskrun = {**variables["taskrun"], "items": batch, "iteration": index + 1}
                    scope = {**variables, "taskrun": taskrun}
                calls.append(task.subflow_call(partial(render_value, context=scope)))
        except ExpressionError as exc:
            self._log(running.id, LogLevel.ERROR, f"{task.id}: {exc}")
            self._finish(running, State.FAILED, None)
            return
        if not calls:
            self._finish(running, State.SUCCESS, None)  # no batch: nothing to start
            return
        # Kept with the run: the children's end is judged by it, maybe after a restart.
        memo: dict[str, Any] = {
            "transmitFailed": calls[0].transmit_failed,
            "legacyOutputs": calls[0].legacy_outputs,
        }
        if batches is not None:
            memo.update(batches=len(calls), wait=calls[0].wait, ended={}, childOutputs=[])
        self._save(evolve(running, memo=memo))
        for call in calls:
            self.step.commands.append(StartSubflow(running, call, self.view.execution))

    def subflow_ended(self, event: SubflowEnded) -> None:
        run = self.view.runs.get(event.task_run_id)
        if run is None or run.state.current is not State.RUNNING:
            return
        if "batches" in (run.memo or {}):
            self._batch_ended(run, event)
            return
        outputs: dict[str, Any] = {"executionId": event.execution_id}
        if event.state is None:
            self._finish(run, State.SUCCESS, outputs)
            return
        outputs["state"] = event.state.value
        if event.outputs is not None:
            outputs["outputs"] = event.outputs
        legacy = (run.memo or {}).get("legacyOutputs")
        if legacy:
            try:
                rendered = render_value(legacy, {"outputs": event.task_outputs or {}})
            except ExpressionError as exc:
                self._log(run.id, LogLevel.ERROR, f"{run.task_id}: {exc}")
                self._finish(run, State.FAILED, outputs)
                return
            outputs["outputs"] = {**outputs.get("outputs", {}), **rendered}
        state = event.state
        if state in (State.FAILED, State.KILLED, State.CANCELLED):
            transmit = (run.memo or {}).get("transmitFailed", True)
            state = State.FAILED if transmit else State.SUCCESS
        self._finish(run, state, outputs)

    def _batch_ended(self, run: TaskRun, event: SubflowEnded) -> None:
        memo = dict(run.memo or {})
        ended = dict(memo["ended"])
        state = (event.state or State.SUCCESS).value  # not waited for: counted as started
        ended[state] = ended.get(state, 0) + 1
        memo["ended"] = ended
        if event.outputs:
            memo["childOutputs"] = [*memo["childOutputs"], event.outputs]
        run = self._save(evolve(run, memo=memo))
        if sum(ended.values()) < memo["batches"]:
            return
        failed = any(ended.get(s.value) for s in (State.FAILED, State.KILLED, State.CANCELLED))
        final = State.FAILED if failed and memo["transmitFailed"] else State.SUCCESS
        self._finish(run, final, _batch_outputs(memo))


def _batch_outputs(memo: dict[str, Any]) -> dict[str, Any]:
    iterations = {"CREATED": 0, "RUNNING": 0, **memo["ended"]}
    return {
        "numberOfBatches": memo["batches"],
        "iterations": iterations,
        "childOutputs": memo["childOutputs"],
    }
