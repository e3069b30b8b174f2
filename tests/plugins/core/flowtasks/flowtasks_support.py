"""Helpers for the tests of the flow, log, debug, output, templating and execution plugins."""

from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiercel.registry import default_registry
from tiercel.sdk import AnyTask, Task

_TASK = TypeAdapter(AnyTask)


def task(data: dict[str, Any]) -> Task:
    """Validate a task mapping the way flow loading does."""
    result = _TASK.validate_python(data, context=default_registry().context())
    assert isinstance(result, Task)
    return result


def errors(data: dict[str, Any]) -> list[tuple[tuple[int | str, ...], str]]:
    """Validate a mapping that must be refused; return each error's location and type."""
    try:
        task(data)
    except ValidationError as exc:
        return [(tuple(e["loc"]), e["type"]) for e in exc.errors(include_url=False)]
    raise AssertionError(f"accepted: {data!r}")


def refused_at(data: dict[str, Any], *loc: int | str) -> list[str]:
    """Assert the mapping is refused with an error under ``loc``; return those error types."""
    found = errors(data)
    at = [kind for where, kind in found if where[: len(loc)] == loc]
    assert at, f"no error at {loc}: {found}"
    return at


def log(task_id: str = "child") -> dict[str, Any]:
    """A runnable child task."""
    return {"id": task_id, "type": "io.kestra.plugin.core.log.Log", "message": "hi"}


def walk_typed(value: Any, path: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    """Yield every mapping with a ``type`` key, skipping plugin defaults (not objects)."""
    if isinstance(value, dict):
        if isinstance(value.get("type"), str):
            yield path, value
        for key, item in value.items():
            if key in ("pluginDefaults", "taskDefaults"):
                continue
            yield from walk_typed(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_typed(item, (*path, index))
