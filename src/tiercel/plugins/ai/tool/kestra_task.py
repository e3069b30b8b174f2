"""``io.kestra.plugin.ai.tool.KestraTask``: runnable tasks the model may call, one tool per
task (``kestra_task_<taskId>``). The properties a flow sets stay fixed; a property set to
``...``, or a required one left unset, is for the model to fill."""

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, ValidationError

from tiercel.plugins.ai.domain.messages import ToolSpec
from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.sdk import (
    AnyTask,
    Output,
    RunContext,
    RunnableTask,
    Task,
    TaskFailure,
    output_values,
)

LLM_PLACEHOLDER = "..."
"""A property value that the model must supply."""

TOOL_DESCRIPTION = (
    "This tool allows you to call a Kestra task. A Kestra task will respond with its output, "
    "which is a map of key/value pairs."
)
_BASE_PROPERTIES = frozenset(
    field.alias or name for name, field in RunnableTask.model_fields.items()
) | frozenset(field.alias or name for name, field in Task.model_fields.items())
"""What every task has (id, type, retry, timeout...): never the model's to set."""


class KestraTask(ToolProvider):
    """Expose runnable tasks as tools."""

    type: Literal["io.kestra.plugin.ai.tool.KestraTask"]
    tasks: list[AnyTask] = Field(description="The runnable tasks the model may call.")

    def open(self, ctx: RunContext) -> OpenTools:
        """One tool per task.

        Raises:
            TaskFailure: a task is not a runnable task.
        """
        tools = []
        for task in self.tasks:
            if not isinstance(task, RunnableTask):
                raise TaskFailure(
                    "The KestraTask tool is only capable of calling runnable tasks but "
                    f"'{task.id}' is not a runnable task."
                )
            title = (type(task).__doc__ or "").strip().splitlines()
            if not title:
                ctx.logger.warn(
                    f"The task {task.id} has no description, so the LLM may not understand "
                    "what is its purpose; you may need to explicitly describe it in the prompt."
                )
            parameters = parameters_of(task, title[0] if title else None)
            ctx.logger.debug(f"Generated JSON schema:\n{json.dumps(parameters)}")
            spec = ToolSpec(f"kestra_task_{task.id}", TOOL_DESCRIPTION, parameters)
            tools.append(AgentTool(spec, _runner(ctx, task)))
        return OpenTools(tools)


def _runner(ctx: RunContext, task: RunnableTask[Any]) -> Any:
    def run(arguments: dict[str, Any]) -> str:
        merged = merge(set_properties(task), arguments)
        try:
            runnable = type(task).model_validate(merged)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'task'}: {error['msg']}"
                for error in exc.errors()
            )
            raise TaskFailure(f"invalid arguments for task '{task.id}': {problems}") from None
        result = runnable.run(ctx)
        values = output_values(result) if isinstance(result, Output | Mapping) else {}
        # "Success" when there is no output, so that the model does not call the task again.
        return json.dumps(values, default=str) if values else "Success"

    return run


def set_properties(task: Task) -> dict[str, Any]:
    """The properties the flow set on the task, under their YAML names."""
    dumped: dict[str, Any] = task.model_dump(by_alias=True, exclude_unset=True, mode="json")
    return dumped


def merge(base: Mapping[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """``more`` over ``base``, maps merged key by key (Kestra's ``MapUtils.merge``)."""
    merged = dict(base)
    for key, value in more.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge(old, value)
        else:
            merged[key] = value
    return merged


def parameters_of(task: Task, description: str | None) -> dict[str, Any]:
    """The JSON schema of what the model may set: the properties left as ``...``, and the
    required ones the flow did not set. Unset optional properties are hidden, so that the
    model does not invent values for them."""
    schema = type(task).model_json_schema(by_alias=True)
    definitions = schema.get("$defs", {})
    given = set_properties(task)
    required = set(schema.get("required", []))
    properties = {}
    for name, prop in schema.get("properties", {}).items():
        if name in _BASE_PROPERTIES:
            continue
        asked = given.get(name) == LLM_PLACEHOLDER
        if asked or (name not in given and name in required):
            properties[name] = flattened(prop, definitions)
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": sorted(name for name in properties if name in required),
    }
    if description:
        parameters["description"] = description
    return parameters


def flattened(schema: Any, definitions: Mapping[str, Any], depth: int = 0) -> Any:
    """A schema with references inlined and each ``anyOf`` reduced to its first non-null
    branch, as Kestra does: many models do not take ``anyOf``."""
    if depth > 8 or not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = definitions.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
        extra = {key: value for key, value in schema.items() if key != "$ref"}
        return flattened({**target, **extra}, definitions, depth + 1)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [
                b for b in schema[key] if not (isinstance(b, dict) and b == {"type": "null"})
            ]
            rest = {k: v for k, v in schema.items() if k != key}
            branch = branches[0] if branches else {}
            return flattened({**branch, **rest}, definitions, depth + 1)
    flat = {key: value for key, value in schema.items() if key not in ("title", "default")}
    if "properties" in flat:
        flat["properties"] = {
            name: flattened(prop, definitions, depth + 1)
            for name, prop in flat["properties"].items()
        }
    if "items" in flat:
        flat["items"] = flattened(flat["items"], definitions, depth + 1)
    return flat
