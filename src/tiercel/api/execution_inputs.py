"""``POST /executions/{namespace}/{flowId}/validate``: the Execute form's inputs checked as the
user fills them in (Kestra's ``validateNewExecutionInputs``).

It takes the same body as a new execution (multipart, urlencoded or JSON) and answers each
input's state: whether it is enabled (``dependsOn`` inputs filled and its ``condition`` true),
its choices (a SELECT's ``expression`` rendered by the server), its typed value and its errors.
Nothing is created or stored: uploaded files are only counted as given.
"""

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.executions import form_values
from tiercel.api.received import ReceivedBody
from tiercel.engine.input_form import InputState, check_inputs
from tiercel.expr import render_typed
from tiercel.model.input import MultiselectInput, SelectInput
from tiercel.ops.flows import FlowNotFoundError

router = APIRouter(tags=["executions"])


class InputError(BaseModel):
    """One problem of an input."""

    message: str


class InputAndValue(BaseModel):
    """Kestra's ``ApiInputAndValue``: an input (its choices computed), value and state."""

    model_config = ConfigDict(populate_by_name=True)

    input: dict[str, Any]
    value: Any = None
    enabled: bool
    is_default: bool = Field(alias="isDefault")
    errors: list[InputError]


class ValidateInputsResponse(BaseModel):
    """Kestra's ``ApiValidateExecutionInputsResponse``."""

    id: str
    namespace: str
    inputs: list[InputAndValue]
    checks: list[dict[str, Any]]


def _shown(state: InputState) -> dict[str, Any]:
    declared = state.input.model_dump(mode="json", by_alias=True, exclude_none=True)
    if state.choices is not None and isinstance(state.input, SelectInput | MultiselectInput):
        declared["values"] = state.choices
    value = state.value
    return {
        "input": declared,
        "value": value if isinstance(value, str | int | float | bool | list | dict) else None,
        "enabled": state.enabled,
        "isDefault": state.is_default,
        "errors": [{"message": message} for message in state.errors],
    }


@router.post(
    "/executions/{namespace}/{flow_id}/validate",
    response_model=ValidateInputsResponse,
    summary="Check a new execution's inputs without creating it",
)
def validate_inputs(
    request: Request, namespace: str, flow_id: str, received: ReceivedBody
) -> dict[str, Any]:
    """Each input's state for the values given so far: enabled, choices, value, errors."""
    ctx: ApiContext = request.app.state.ctx
    try:
        flow = ctx.flows.get(namespace, flow_id, None).flow
    except FlowNotFoundError:
        raise ApiError(404, f"Flow '{namespace}.{flow_id}' not found") from None
    declared = flow.inputs or []
    base = {"flow": {"id": flow.id, "namespace": flow.namespace, "revision": flow.revision}}

    def render(value: Any, values: Any) -> Any:
        if not isinstance(value, str):
            return value
        return render_typed(value, {**base, "inputs": dict(values)})

    with tempfile.TemporaryDirectory(prefix="tiercel-validate-") as folder:
        given = form_values(received, Path(folder), declared)
        states = check_inputs(declared, given, render=render)
    return {
        "id": flow.id,
        "namespace": flow.namespace,
        "inputs": [_shown(state) for state in states],
        "checks": [],
    }
