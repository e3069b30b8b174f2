"""A plugin's documentation, generated from its class: the page Kestra's plugin endpoint and
the web UI show (summary, aliases, example flows, outputs) and the JSON Schema of its outputs.
"""

import inspect
from typing import Any

from tiercel.model.base import PluginObject
from tiercel.sdk import Example, PluginInfo, RunnableTask


def output_schema(cls: type[PluginObject]) -> dict[str, Any] | None:
    """The JSON Schema (draft 7) of what a task outputs, from its ``Output`` model; None for a
    class that declares none."""
    model = cls.output_model() if issubclass(cls, RunnableTask) else None
    if model is None:
        return None
    schema = model.model_json_schema(
        by_alias=True, mode="serialization", ref_template="#/definitions/{model}"
    )
    definitions = schema.pop("$defs", None)
    if definitions:
        schema["definitions"] = definitions
    return schema


def examples_json(info: PluginInfo) -> list[dict[str, Any]]:
    """The examples as Kestra's schema lists them under ``$examples``."""
    return [_example_json(example) for example in info.examples]


def _example_json(example: Example) -> dict[str, Any]:
    return {"title": example.title, "code": example.code, "lang": "yaml", "full": True}


def plugin_markdown(info: PluginInfo, cls: type[PluginObject]) -> str:
    """The documentation page of a plugin, in Markdown."""
    lines = [f"# {info.type}", ""]
    doc = inspect.getdoc(cls) or info.title
    if doc:
        lines += [doc, ""]
    if info.aliases:
        lines += ["Also known as: " + ", ".join(f"`{alias}`" for alias in info.aliases), ""]
    if info.deprecated:
        lines += ["**Deprecated.**", ""]
    if info.examples:
        lines += ["## Examples", ""]
        for example in info.examples:
            lines += [f"### {example.title}", "", "```yaml", example.code.rstrip("\n"), "```", ""]
    outputs = output_schema(cls)
    if outputs is not None and outputs.get("properties"):
        lines += ["## Outputs", ""]
        required = set(outputs.get("required", []))
        for name, spec in outputs["properties"].items():
            description = spec.get("description", "")
            optional = "" if name in required else " (optional)"
            lines.append(f"- `{name}`{optional}: {description}".rstrip(": "))
        lines.append("")
    return "\n".join(lines)
