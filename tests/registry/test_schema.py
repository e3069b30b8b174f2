"""The generated JSON Schema: a valid draft-7 schema that Kestra's own flows satisfy."""

import json
from functools import cache
from typing import Any

import jsonschema

from tiercel.registry import default_registry
from tiercel.registry.schema import flow_schema


@cache
def validator() -> jsonschema.Draft7Validator:
    schema = flow_schema(default_registry())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors_of(flow: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(flow)]


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    flow = {
        "id": "f",
        "namespace": "n",
        "tasks": [{"id": "a", "type": "io.kestra.plugin.core.log.Log", "mesage": "typo"}],
    }
    assert errors_of(flow)
    flow["tasks"] = [{"id": "a", "type": "io.kestra.plugin.core.log.Lgo", "message": "x"}]
    assert errors_of(flow)
    flow["tasks"] = [{"id": "a", "type": "io.kestra.core.tasks.log.Log", "message": "x"}]
    assert errors_of(flow) == []


def test_each_plugin_definition_lists_its_names() -> None:
    schema = flow_schema(default_registry())
    log = next(
        d
        for d in schema["definitions"].values()
        if d.get("title") == "io.kestra.plugin.core.log.Log"
    )
    assert log["properties"]["type"] == {
        "enum": ["io.kestra.plugin.core.log.Log", "io.kestra.core.tasks.log.Log"]
    }
    assert "message" in log["required"]
    json.dumps(schema)  # serialisable as is
