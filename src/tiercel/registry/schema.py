"""The JSON Schema of the whole flow language, generated from the installed plugin classes.

Editors (VS Code's YAML extension, the web UI) use it for completion and validation. Each plugin
class becomes a definition whose ``type`` lists its canonical name and aliases; ``AnyTask`` and
its siblings are the unions of every class of their kind.
"""

from typing import Any

from pydantic.json_schema import models_json_schema

from tiercel.model import Flow, PluginKind
from tiercel.model.base import PLUGIN_REFS, PluginObject
from tiercel.registry.catalog import Registry

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def flow_schema(registry: Registry) -> dict[str, Any]:
    """Return the JSON Schema (draft 7) of a flow, with every registered plugin type."""
    plugins = registry.plugins()
    keys, top = models_json_schema(
        [(Flow, "validation")] + [(cls, "validation") for _, cls in plugins],
        by_alias=True,
        ref_template="#/$defs/{model}",
    )
    definitions: dict[str, Any] = top["$defs"]
    unions: dict[PluginKind, list[dict[str, str]]] = {kind: [] for kind in PluginKind}
    for info, cls in plugins:
        ref = keys[(cls, "validation")]["$ref"]
        name = ref.rsplit("/", 1)[-1]
        definition = definitions[name]
        definition["title"] = info.type
        if info.title:
            definition["description"] = info.title
        if info.deprecated:
            definition["deprecated"] = True
        definition.setdefault("properties", {})["type"] = {"enum": list(info.names)}
        unions[_kind(cls)].append({"$ref": ref})
    for kind, refs in unions.items():
        definitions[PLUGIN_REFS[kind]] = {"anyOf": refs} if refs else {"type": "object"}
    root_name = keys[(Flow, "validation")]["$ref"].rsplit("/", 1)[-1]
    root = dict(definitions[root_name])
    root["$schema"] = SCHEMA_DIALECT
    root["title"] = "Kestra flow (Tiercel)"
    root["$defs"] = definitions
    return _draft7(root)


def _kind(cls: type[PluginObject]) -> PluginKind:
    return cls.plugin_kind


def _draft7(schema: dict[str, Any]) -> dict[str, Any]:
    # Draft 7 tools (VS Code's YAML extension) look definitions up under ``definitions``.
    text_refs = _rewrite(schema)
    text_refs["definitions"] = text_refs.pop("$defs")
    return text_refs


def _rewrite(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: (item.replace("#/$defs/", "#/definitions/") if key == "$ref" else _rewrite(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(item) for item in value]
    return value
