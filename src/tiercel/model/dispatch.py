"""Validation of a mapping as one of several models, chosen by its ``type`` key.

Unlike a pydantic discriminated union, errors inside the chosen model keep their plain paths
(``inputs[0].min``, not ``inputs[0].INT.min``), which map straight back onto the YAML.
"""

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError, core_schema


def type_dispatcher(
    choices: Mapping[str, type[BaseModel]], what: str
) -> Callable[[Any, core_schema.ValidationInfo], Any]:
    """Build a validator that validates a mapping as ``choices[mapping['type']]``."""
    accepted = tuple(set(choices.values()))

    def validate(value: Any, info: core_schema.ValidationInfo) -> Any:
        if isinstance(value, accepted):
            return value
        if not isinstance(value, dict):
            raise PydanticCustomError(
                "not_mapping", "must be a mapping describing {what}", {"what": what}
            )
        type_name = value.get("type")
        if "type" not in value:
            raise PydanticCustomError(
                "missing_type", "missing type id property 'type' (for {what})", {"what": what}
            )
        cls = choices.get(type_name) if isinstance(type_name, str) else None
        if cls is None:
            raise PydanticCustomError(
                "invalid_type",
                "Invalid type: {type} (expected one of {names})",
                {
                    "type": str(type_name) if type_name is not None else "null",
                    "names": ", ".join(sorted(choices)),
                },
            )
        return cls.__pydantic_validator__.validate_python(value, context=info.context)

    return validate
