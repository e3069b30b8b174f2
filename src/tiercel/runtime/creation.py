"""New executions: their id, labels, metadata and resolved inputs, before they are stored."""

from datetime import datetime
from typing import Any

from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.expr import render_typed
from tiercel.model.execution import Execution, ExecutionMetadata, ExecutionTrigger, RunState
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.ops.executions import discard_files
from tiercel.runtime.ids import new_id
from tiercel.runtime.services import Services

CORRELATION_ID = "system.correlationId"
"""The label every execution carries: the id of the execution that started the chain."""


def subflow_trigger(task_id: str, parent: Execution) -> ExecutionTrigger:
    """The trigger of an execution a ``Subflow`` task of ``parent`` started."""
    return ExecutionTrigger.model_construct(
        id=task_id,
        type="io.kestra.plugin.core.flow.Subflow",
        variables={
            "executionId": parent.id,
            "namespace": parent.namespace,
            "flowId": parent.flow_id,
            "flowRevision": parent.flow_revision,
        },
    )


def new_execution(
    services: Services,
    flow: Flow,
    given: dict[str, Any],
    labels: tuple[Label, ...],
    *,
    parent: Execution | None = None,
    trigger: ExecutionTrigger | None = None,
    retry_of: Execution | None = None,
    schedule_date: datetime | None = None,
) -> Execution:
    """A new execution of ``flow`` with its inputs resolved (files stored), not yet stored.

    Raises:
        InputError: the inputs are refused.
    """
    now = services.clock()
    execution_id = new_id()
    metadata = ExecutionMetadata.model_construct(attempt_number=1, original_created_date=now)
    original_id = None
    if retry_of is not None:
        # A new execution retrying a failed one: same inputs and labels, one attempt more.
        metadata = retry_of.metadata.model_copy(
            update={"attempt_number": retry_of.metadata.attempt_number + 1}
        )
        original_id = retry_of.original_id or retry_of.id
        labels = tuple(x for x in retry_of.labels if x.key != CORRELATION_ID)
    correlation = next(
        (x for x in (parent.labels if parent else ()) if x.key == CORRELATION_ID), None
    )
    if correlation is None:
        correlation = Label.model_construct(key=CORRELATION_ID, value=execution_id)
    labels = (*labels, correlation)
    execution = Execution.model_construct(
        id=execution_id,
        namespace=flow.namespace,
        flow_id=flow.id,
        flow_revision=flow.revision or 1,
        state=RunState.start(State.CREATED, now),
        inputs={},
        outputs=None,
        labels=labels if retry_of is not None else (*(flow.labels or ()), *labels),
        variables=None,
        parent_id=parent.id if parent else None,
        original_id=original_id,
        trigger=trigger,
        metadata=metadata,
        schedule_date=schedule_date,
        deleted=False,
    )
    context = {
        "flow": {"id": flow.id, "namespace": flow.namespace, "revision": flow.revision},
        "execution": {"id": execution.id},
    }

    stored: list[str] = []

    def store_file(input_id: str, value: Any) -> str:
        uri = services.store_input_file(execution, input_id, value)
        stored.append(uri)
        return uri

    try:
        typed = resolve_inputs(
            flow.inputs or [],
            given,
            render=lambda value: render_typed(value, context) if isinstance(value, str) else value,
            store_file=store_file,
            seal=services.seal(),
            render_with=lambda text, typed: render_typed(text, {**context, "inputs": dict(typed)}),
        )
    except InputError:
        discard_files(services.storage, stored)  # a refused execution leaves no file behind
        raise
    return execution.model_copy(update={"inputs": typed})
