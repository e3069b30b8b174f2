"""``pluginDefaults``: property values merged into every task or trigger of a matching type.

Defaults are applied to the raw flow data, before validation, because they may supply required
properties. A default matches a type written in full, or a package prefix of it; the task's own
values win unless the default is ``forced``. Nested mappings are merged key by key.
"""

from collections.abc import Mapping
from typing import Any

from tiercel.model.catalog import TypeCatalog

_NESTED_PLUGINS = ("io.kestra.plugin.", "io.tiercel.plugin.")
_NOT_PLUGINS = frozenset({"variables", "inputs", "outputs", "labels", "pluginDefaults",
                          "taskDefaults", "values"})  # fmt: skip


def apply_plugin_defaults(flow: dict[str, Any], catalog: TypeCatalog) -> dict[str, Any]:
    """Return the flow data with its ``pluginDefaults`` (and ``taskDefaults``) merged in."""
    defaults = [
        item
        for key in ("pluginDefaults", "taskDefaults")
        if isinstance(flow.get(key), list)
        for item in flow[key]
        if isinstance(item, dict)
        and isinstance(item.get("type"), str)
        and isinstance(item.get("values"), dict)
    ]
    if not defaults:
        return flow
    return {
        key: value if key in _NOT_PLUGINS else _apply(value, defaults, catalog)
        for key, value in flow.items()
    }


def _apply(value: Any, defaults: list[dict[str, Any]], catalog: TypeCatalog) -> Any:
    if isinstance(value, list):
        return [_apply(item, defaults, catalog) for item in value]
    if not isinstance(value, dict):
        return value
    merged = {
        key: item if key in _NOT_PLUGINS else _apply(item, defaults, catalog)
        for key, item in value.items()
    }
    type_name = value.get("type")
    # Kestra also defaults the plugins a task holds (an AI task's ``provider``), which are not
    # flow-level kinds: any qualified type name inside a plugin counts.
    if isinstance(type_name, str) and (
        catalog.kind_of(type_name) is not None or type_name.startswith(_NESTED_PLUGINS)
    ):
        for default in defaults:
            if _matches(default["type"], type_name):
                if default.get("forced") is True:
                    merged = deep_merge(merged, default["values"])
                else:
                    merged = deep_merge(default["values"], merged)
    return merged


def _matches(pattern: str, type_name: str) -> bool:
    return type_name == pattern or type_name.startswith(pattern.rstrip(".") + ".")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two mappings; ``override`` wins, nested mappings are merged recursively."""
    result = dict(base)
    for key, value in override.items():
        current = result.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            result[key] = deep_merge(current, value)
        else:
            result[key] = value
    return result
