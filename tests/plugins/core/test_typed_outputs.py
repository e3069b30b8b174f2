"""The core tasks declare their outputs as typed models: the JSON Schema and the documentation
page of each show them under Kestra's names, and no task returns a plain dict unless it is
listed here with the reason."""

import typing

import pytest

from tiercel.registry import default_registry
from tiercel.registry.docs import output_schema, plugin_markdown
from tiercel.sdk import RunnableTask

OUTPUTS = {
    "io.kestra.plugin.core.log.Fetch": {"size", "uri"},
    "io.kestra.plugin.core.namespace.DeleteFiles": {"files"},
    "io.kestra.plugin.core.namespace.DownloadFiles": {"files"},
    "io.kestra.plugin.core.namespace.UploadFiles": {"files"},
    "io.kestra.plugin.core.storage.Split": {"uris"},
    "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles": {"uris"},
    "io.kestra.plugin.core.storage.Reverse": {"uri"},
    "io.kestra.plugin.core.storage.Concat": {"uri"},
    "io.kestra.plugin.core.storage.Delete": {"uri", "deleted"},
    "io.kestra.plugin.core.storage.FilterItems": {
        "uri",
        "processedItemsTotal",
        "droppedItemsTotal",
    },
    "io.kestra.plugin.core.storage.DeduplicateItems": {
        "uri",
        "numKeys",
        "processedItemsTotal",
        "droppedItemsTotal",
    },
    "io.kestra.plugin.core.storage.LocalFiles": {"uris"},
    "io.kestra.plugin.core.kv.GetKeys": {"keys"},
    "io.kestra.plugin.core.kv.PurgeKV": {"size"},
    "io.kestra.plugin.core.kv.Delete": {"deleted"},
    "io.kestra.plugin.core.execution.Count": {"results", "total"},
    "io.kestra.plugin.core.execution.PurgeExecutions": {
        "executionsCount",
        "logsCount",
        "metricsCount",
        "storagesCount",
    },
    "io.kestra.plugin.core.http.Download": {"code", "uri", "headers", "length"},
}

# Still plain dicts, and why: a null output they give on purpose would be left out by a model
# (``output_values`` drops nulls, as Kestra's serialiser does for typed outputs).
UNTYPED = {
    "Return": "`value` is null without a `format`, and flows read it",
    "Get": "kv.Get's `value` is null for a missing key; the State tasks share the name",
    "Set": "a deprecated State task, on AbstractState",
    "Delete": "the deprecated State.Delete, on AbstractState",
    "ForEachItemSplit": "an internal task of ForEachItem, not documented",
    "ForEachItemMerge": "an internal task of ForEachItem, not documented",
}


@pytest.mark.parametrize("type_name", sorted(OUTPUTS))
def test_the_schema_and_the_docs_show_the_outputs(type_name: str) -> None:
    cls = default_registry().get(type_name)
    assert cls is not None, type_name
    schema = output_schema(cls)
    assert schema is not None, type_name
    assert set(schema["properties"]) == OUTPUTS[type_name]
    for name, spec in schema["properties"].items():
        assert spec.get("description"), f"{type_name}.{name} has no description"
    page = plugin_markdown(default_registry().info(cls), cls)
    assert "## Outputs" in page
    for name in OUTPUTS[type_name]:
        assert f"- `{name}`" in page


def test_no_other_core_task_returns_a_plain_dict() -> None:
    registry = default_registry()
    plain = set()
    for _, cls in registry.plugins():
        if not issubclass(cls, RunnableTask):
            continue
        if not cls.__module__.startswith("tiercel.plugins.core."):
            continue
        returned = typing.get_type_hints(cls.run).get("return")
        if typing.get_origin(returned) is dict or returned is dict:
            plain.add(cls.__name__)
    assert plain, "no untyped task found: the walk found no task at all"
    assert plain <= set(UNTYPED), sorted(plain - set(UNTYPED))
