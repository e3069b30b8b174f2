"""``Output``: the typed outputs of a runnable task, as flows read them (``outputs.<id>.<name>``).

A task declares its outputs as a pydantic model: the fields are checked when the task builds
them, documented with the task (the model's JSON Schema is the ``outputs`` of the plugin's
documentation) and stored as Kestra stores them, under camelCase names, unset (None) ones left
out as Kestra's serializer leaves out nulls.
"""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Output(BaseModel):
    """The base of a task's output model: snake_case fields stored under camelCase names.

    Example::

        class SizeOutput(Output):
            size: int = Field(description="The file's size in bytes.")
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        ser_json_inf_nan="constants",
    )
    # No methods here: any name defined on the base could clash with an output's name
    # (``OutputValues`` has an output called ``values``). ``output_values`` does the dumping.


def output_values(outputs: Output | Mapping[str, Any]) -> dict[str, Any]:
    """The outputs as the execution stores them: JSON values under Kestra's names, whether a
    task returned an ``Output`` model or a plain mapping."""
    if isinstance(outputs, Output):
        dumped: dict[str, Any] = outputs.model_dump(mode="json", by_alias=True, exclude_none=True)
        return dumped
    return dict(outputs)
