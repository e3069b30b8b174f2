"""Labels: given as a map or as a list of ``{key, value}``, kept as an ordered list of pairs."""

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from tiercel.model.base import KestraModel
from tiercel.model.property import Text

SYSTEM_PREFIX = "system."
USER_SYSTEM_LABELS = frozenset({"system.readOnly"})
"""System labels a flow may set itself: ``system.readOnly`` locks the flow in the UI."""
PLAYGROUND_LABEL = "system.playground"
"""Marks a playground run (one task run alone); its value is that task's id. Searches leave
these executions out, as Kestra's leave out its ``PLAYGROUND`` execution kind."""


class Label(KestraModel):
    """One label."""

    key: Text
    value: Text


def _normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return [{"key": key, "value": item} for key, item in value.items()]
    return value


_SCALAR = {"type": ["string", "number", "boolean"]}
_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": _SCALAR},
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": _SCALAR, "value": _SCALAR},
                "required": ["key", "value"],
                "additionalProperties": False,
            },
        },
    ]
}

Labels = Annotated[list[Label], BeforeValidator(_normalize), WithJsonSchema(_SCHEMA)]
"""Labels as Kestra accepts them: ``{k: v}`` or ``[{key: k, value: v}]``."""


def _no_system_labels(labels: list[Label]) -> list[Label]:
    offending = [
        f"System labels can only be set by Kestra itself, offending label: {x.key}={x.value}."
        for x in labels
        if x.key.startswith(SYSTEM_PREFIX) and x.key not in USER_SYSTEM_LABELS
    ]
    if offending:
        raise ValueError(" ".join(offending))
    return labels


UserLabels = Annotated[Labels, AfterValidator(_no_system_labels)]
"""Labels written in a flow: the ``system.`` prefix is Kestra's, except ``system.readOnly``."""
