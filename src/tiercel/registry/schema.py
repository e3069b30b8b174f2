"""The JSON Schema of the whole flow language, generated from the installed plugin classes.

Editors (VS Code's YAML extension, the web UI) use it for completion and validation. Each plugin
class becomes a definition whose ``type`` lists its canonical name and aliases; ``AnyTask`` and
its siblings are the unions of every class of their kind.
"""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from tiercel.model import Flow, PluginKind
from tiercel.model.base import PLUGIN_REFS, PluginObject
from tiercel.registry.catalog import Registry
from tiercel.registry.docs import examples_json

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def flow_schema(registry: Registry) -> dict[str, Any]:
    """Return the JSON Schema (draft 7) of a flow, with every registered plugin type."""
    plugins = registry.plugins()
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Flow, "validation")]
    models += [(cls, "validation") for _, cls in plugins]
    keys, top = models_json_schema(
        models,
        by_alias=True,
        ref_template="#/$defs/{model}",
    )
    definitions: dict[str, Any] = top["$defs"]
    unions: dict[PluginKind, list[tuple[list[str], str]]] = {kind: [] for kind in PluginKind}
    for info, cls in plugins:
        ref = keys[(cls, "validation")]["$ref"]
        name = ref.rsplit("/", 1)[-1]
        definition = definitions[name]
        definition["title"] = info.type
        if info.title:
            definition["description"] = info.title
        if info.deprecated:
            definition["deprecated"] = True
        if info.examples:
            definition["$examples"] = examples_json(info)
        definition.setdefault("properties", {})["type"] = {"enum": list(info.names)}
        unions[_kind(cls)].append((list(info.names), ref))
    for kind, members in unions.items():
        definitions[PLUGIN_REFS[kind]] = _union(members)
    root_name = keys[(Flow, "validation")]["$ref"].rsplit("/", 1)[-1]
    root = dict(definitions[root_name])
    root["$schema"] = SCHEMA_DIALECT
    root["title"] = "Kestra flow (Tiercel)"
    root["$defs"] = definitions
    return _draft7(root)


def _union(members: list[tuple[list[str], str]]) -> dict[str, Any]:
    """One object whose ``type`` picks the definition to apply.

    ``if``/``then`` on the type name, rather than ``anyOf``, lets a validator (and an editor)
    check an object against its own class only, and say what is wrong with it.
    """
    names = sorted(name for member_names, _ in members for name in member_names)
    if not names:
        return {"type": "object"}
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": names}},
        "allOf": [
            {"if": {"properties": {"type": {"enum": member_names}}}, "then": {"$ref": ref}}
            for member_names, ref in members
        ],
    }


def _kind(cls: type[PluginObject]) -> PluginKind:
    return cls.plugin_kind


def _draft7(schema: dict[str, Any]) -> dict[str, Any]:
    # Draft 7 tools (VS Code's YAML extension) look definitions up under ``definitions``.
    rewritten: dict[str, Any] = _rewrite(schema)
    rewritten["definitions"] = rewritten.pop("$defs")
    return rewritten


def _rewrite(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (item.replace("#/$defs/", "#/definitions/") if key == "$ref" else _rewrite(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    return value
