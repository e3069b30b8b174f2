"""``/plugins``: the installed plugin types grouped as Kestra lists them, one type's
documentation and JSON Schema, and the JSON Schema of flows, tasks and triggers for editors.

Every schema is cut from the one ``tiercel plugins schema`` generates. Generating it imports
every plugin class and takes seconds, so it is kept in memory, and on disk in the server's cache
folder for the next start (``tiercel.registry.schema_cache``).
"""

import functools
import importlib.metadata
import threading
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.model import PluginKind
from tiercel.model.base import PLUGIN_REFS, PluginObject
from tiercel.registry import Registry
from tiercel.registry.docs import output_schema, plugin_markdown
from tiercel.registry.schema import SCHEMA_DIALECT
from tiercel.registry.schema_cache import cached_flow_schema

router = APIRouter(tags=["plugins"])

_CACHE = {"Cache-Control": "public, max-age=3600"}
_LISTS = {
    PluginKind.TASK: "tasks",
    PluginKind.TRIGGER: "triggers",
    PluginKind.CONDITION: "conditions",
    PluginKind.TASK_RUNNER: "taskRunners",
}
_SCHEMA_TYPES = {
    "task": PluginKind.TASK,
    "trigger": PluginKind.TRIGGER,
    "condition": PluginKind.CONDITION,
    "taskrunner": PluginKind.TASK_RUNNER,
}
_REF = "#/definitions/"


def _ctx(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.ctx
    return context


_SCHEMAS: dict[Registry, dict[str, Any]] = {}
"""The schema of each registry served in this process (one, but for tests)."""


_BUILDING = threading.Lock()
"""Held while a schema is read or built: concurrent first requests wait for one build."""


def _schema(ctx: ApiContext) -> dict[str, Any]:
    found = _SCHEMAS.get(ctx.registry)
    if found is None:
        with _BUILDING:
            found = _SCHEMAS.get(ctx.registry)
            if found is None:
                found = _SCHEMAS[ctx.registry] = cached_flow_schema(ctx.registry, ctx.cache_dir)
    return found


def group_of(type_name: str) -> str:
    """The group a type is listed under: ``io.kestra.plugin.<name>`` for Kestra's own
    plugins (Kestra ships one artifact per such group), else the type's package."""
    parts = type_name.split(".")
    if parts[:3] == ["io", "kestra", "plugin"] and len(parts) > 4:
        return ".".join(parts[:4])
    return ".".join(parts[:-1])


@router.get("/plugins")
def list_plugins(request: Request) -> list[dict[str, Any]]:
    """Kestra's ``Plugin`` list: one entry per group, its type names by kind."""
    groups: dict[str, dict[str, Any]] = {}
    for info, cls in _ctx(request).registry.plugins():
        group = group_of(info.type)
        entry = groups.get(group)
        if entry is None:
            entry = groups[group] = _group_json(group, cls)
        entry[_LISTS[cls.plugin_kind]].append(info.type)
        entry["aliases"].extend(info.aliases)
    return [groups[name] for name in sorted(groups)]


@router.get("/plugins/schemas/{schema_type}")
def type_schema(
    request: Request, schema_type: str, array_of: bool = Query(False, alias="arrayOf")
) -> JSONResponse:
    """The JSON Schema (draft 7) of a flow, or of any task, trigger or condition."""
    schema = _schema(_ctx(request))
    kind = schema_type.lower()
    if kind == "flow":
        body = schema
    elif kind in _SCHEMA_TYPES:
        body = {
            "$schema": SCHEMA_DIALECT,
            "$ref": _REF + PLUGIN_REFS[_SCHEMA_TYPES[kind]],
            "definitions": schema["definitions"],
        }
    else:
        names = ", ".join(["flow", *_SCHEMA_TYPES])
        raise ApiError(404, f"Unknown schema type '{schema_type}': expected one of {names}")
    if array_of:
        items = {key: value for key, value in body.items() if key != "definitions"}
        items.pop("$schema", None)
        body = {
            "$schema": SCHEMA_DIALECT,
            "type": "array",
            "items": items,
            "definitions": body["definitions"],
        }
    return JSONResponse(body, headers=_CACHE)


@router.get("/plugins/{cls}")
def plugin_documentation(request: Request, cls: str) -> JSONResponse:
    """Kestra's ``DocumentationWithSchema`` of one type (by its name or an alias): a short
    Markdown page, and the type's schema with the definitions it refers to."""
    registry = _ctx(request).registry
    found = registry.get(cls)
    if found is None:
        hint = _suggestion(registry, cls)
        raise ApiError(404, f"Unknown plugin type '{cls}'{hint}")
    info = registry.info(found)
    definitions: dict[str, Any] = _schema(_ctx(request))["definitions"]
    matches = [key for key, value in definitions.items() if value.get("title") == info.type]
    if not matches:
        raise ApiError(404, f"Plugin type '{cls}' has no schema")
    name = matches[0]
    properties = definitions[name]
    return JSONResponse(
        {
            "markdown": plugin_markdown(info, found),
            "schema": {
                "properties": properties,
                "outputs": output_schema(found),
                "definitions": _referenced(definitions, name),
            },
        },
        headers=_CACHE,
    )


def _group_json(group: str, cls: type[PluginObject]) -> dict[str, Any]:
    name = group.rsplit(".", 1)[-1]
    entry: dict[str, Any] = {
        "name": name,
        "title": name.capitalize(),
        "description": None,
        "license": None,
        "longDescription": None,
        "group": group,
        "version": _version(cls.__module__),
        "manifest": {},
        "controllers": [],
        "storages": [],
        "secrets": [],
        "guides": [],
        "aliases": [],
        "categories": [],
        "subGroup": None,
    }
    for key in _LISTS.values():
        entry[key] = []
    return entry


@functools.cache
def _version(module: str) -> str | None:
    top = module.split(".", 1)[0]
    for distribution in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def _suggestion(registry: Registry, name: str) -> str:
    for kind in PluginKind:
        close = registry.suggest(kind, name)
        if close is not None:
            return f" (did you mean {close}?)"
    return ""


def _referenced(definitions: Mapping[str, Any], root: str) -> dict[str, Any]:
    """The definitions ``root`` refers to, directly or not (the plugin unions included)."""
    seen: dict[str, Any] = {}
    pending = [root]
    while pending:
        for ref in _refs(definitions[pending.pop()]):
            if ref not in seen and ref in definitions:
                seen[ref] = definitions[ref]
                pending.append(ref)
    seen.pop(root, None)
    return dict(sorted(seen.items()))


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(_REF):
                found.append(item[len(_REF) :])
            else:
                found.extend(_refs(item))
        return found
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []
