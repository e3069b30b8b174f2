"""The variables a task's expressions see: ``flow``, ``execution``, ``inputs``, ``outputs``,
``vars``, ``labels``, ``task``, ``taskrun``, ``parent``, ``parents``..."""

from typing import Any

from tiercel.engine.view import ExecutionView
from tiercel.model.execution import TaskRun, format_instant
from tiercel.model.task import Task


def base_variables(view: ExecutionView) -> dict[str, Any]:
    """What every expression of the execution sees, before any task's own variables.

    A fresh top-level map each call (callers add ``task``, ``taskrun``...); what is below it
    is built once per version of the execution record and shared until the record changes
    (``outputs`` and ``tasks`` are the view's own live maps in any case).
    """
    cached = view.base_variables
    if cached is not None and cached[0] is view.execution:
        return dict(cached[1])
    variables = _base_variables(view)
    view.base_variables = (view.execution, variables)
    return dict(variables)


def _base_variables(view: ExecutionView) -> dict[str, Any]:
    flow = view.flow
    execution = view.execution
    labels: dict[str, Any] = {}
    for label in execution.labels:
        nest_label(labels, label.key, label.value)
    variables = {
        "flow": {
            "id": flow.id,
            "namespace": flow.namespace,
            "revision": execution.flow_revision,
            "tenantId": flow.tenant_id,
        },
        "execution": {
            "id": execution.id,
            "startDate": format_instant(execution.state.start_date),
            "originalId": execution.original_id or execution.id,
            "state": execution.state.current.value,
        },
        "inputs": execution.inputs,
        # Once a task has set variables, the execution's copy replaces the flow's.
        "vars": execution.variables if execution.variables is not None else flow.variables or {},
        "labels": labels,
        "outputs": view.outputs,
        "tasks": view.states,
        "envs": view.environment.get("envs", {}),
        "globals": view.environment.get("globals", {}),
    }
    if execution.trigger is not None:
        # What started the execution: a schedule's dates, a webhook's request, the upstream
        # execution of a Flow trigger, the parent of a subflow.
        variables["trigger"] = execution.trigger.variables or {}
    return variables


def _parent(run: TaskRun) -> dict[str, Any]:
    # As Kestra shows an enclosing run: its loop value, and its outputs when it has some.
    parent: dict[str, Any] = {"taskrun": {"value": run.value}}
    if run.outputs:
        parent["outputs"] = run.outputs
    return parent


def nest_label(target: dict[str, Any], key: str, value: str) -> None:
    """Put a label in a nested map (``labels.system.correlationId``); the first value of a
    repeated key wins, as in Kestra."""
    *parents, last = key.split(".")
    node = target
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return
        node = child
    node.setdefault(last, value)


def task_variables(view: ExecutionView, run: TaskRun, task: Task) -> dict[str, Any]:
    """The variables of one task run: the execution's plus ``task``, ``taskrun`` and the
    loop values of the runs around it (``parent``, ``parents``)."""
    variables = base_variables(view)
    variables["task"] = {"id": task.id, "type": task.type}
    variables["taskrun"] = {
        "id": run.id,
        "startDate": format_instant(run.state.start_date),
        # The attempts before this one, as Kestra counts them: 0 on a first run.
        "attemptsCount": max(len(run.attempts) - 1, 0),
        "parentId": run.parent_task_run_id,
        "value": run.value,
        "iteration": run.iteration,
    }
    parents = [
        _parent(ancestor)
        for ancestor in view.ancestors(run)
        if ancestor.value is not None or ancestor.outputs
    ]
    if parents:
        variables["parents"] = parents
        variables["parent"] = parents[0]
    return variables
