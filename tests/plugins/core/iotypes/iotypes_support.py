"""Helpers for the tests of the http, kv, storage, namespace, trigger, condition, state and
runner plugins."""

from typing import Any

from pydantic import TypeAdapter, ValidationError

from tiercel.model import PluginKind
from tiercel.registry import default_registry
from tiercel.sdk import AnyCondition, AnyTask, AnyTaskRunner, AnyTrigger, PluginObject

_ADAPTERS: dict[PluginKind, TypeAdapter[Any]] = {
    PluginKind.TASK: TypeAdapter(AnyTask),
    PluginKind.TRIGGER: TypeAdapter(AnyTrigger),
    PluginKind.CONDITION: TypeAdapter(AnyCondition),
    PluginKind.TASK_RUNNER: TypeAdapter(AnyTaskRunner),
}


def load(data: dict[str, Any]) -> Any:
    """Validate a plugin mapping the way flow loading does, as the kind its type names."""
    registry = default_registry()
    kind = registry.kind_of(data["type"])
    assert kind is not None, f"unknown type {data['type']}"
    result = _ADAPTERS[kind].validate_python(data, context=registry.context())
    assert isinstance(result, PluginObject)
    return result


def errors(data: dict[str, Any]) -> list[tuple[tuple[int | str, ...], str, str]]:
    """Validate a mapping that must be refused; return each error's location, type, message."""
    try:
        load(data)
    except ValidationError as exc:
        return [(tuple(e["loc"]), e["type"], e["msg"]) for e in exc.errors(include_url=False)]
    raise AssertionError(f"accepted: {data!r}")


def refused_at(data: dict[str, Any], *loc: int | str) -> list[str]:
    """Assert the mapping is refused with an error at ``loc`` or below; return the messages."""
    found = errors(data)
    at = [message for where, _, message in found if where[: len(loc)] == loc]
    assert at, f"no error at {loc}: {found}"
    return at


def rules(obj: Any) -> list[tuple[tuple[int | str, ...], str]]:
    """The ``violations()`` of a task or trigger, as (path, message) pairs."""
    return [(violation.path, violation.message) for violation in obj.violations()]
