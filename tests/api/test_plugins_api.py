"""Plugins over HTTP: the installed types grouped as Kestra lists them, one type's
documentation and schema (by name or alias), the flow/task schemas for editors; unknown types
and schema kinds answer 404 JSON."""

import json

import jsonschema
import pytest
from tests.api.conftest import LiveServer

from tiercel.api import plugins as plugins_api
from tiercel.registry.schema import SCHEMA_DIALECT
from tiercel.registry.schema_cache import PREFIX, schema_key

PLUGINS = "/api/v1/plugins"


def test_plugins_are_listed_by_group_and_kind(live: LiveServer) -> None:
    response = live.client.get(PLUGINS)
    assert response.status_code == 200
    groups = {entry["group"]: entry for entry in response.json()}
    core = groups["io.kestra.plugin.core"]
    assert core["name"] == "core"
    assert "io.kestra.plugin.core.log.Log" in core["tasks"]
    assert "io.kestra.plugin.core.trigger.Schedule" in core["triggers"]
    assert "io.kestra.plugin.core.trigger.Webhook" in core["triggers"]
    assert any(name.startswith("io.kestra.plugin.core.condition.") for name in core["conditions"])
    assert "io.kestra.core.tasks.log.Log" in core["aliases"]
    assert all(isinstance(entry["taskRunners"], list) for entry in groups.values())
    # The tenant-prefixed path answers the same.
    assert live.client.get("/api/v1/main/plugins").json() == response.json()


def test_one_type_has_markdown_and_its_schema(live: LiveServer) -> None:
    response = live.client.get(f"{PLUGINS}/io.kestra.plugin.core.log.Log")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["markdown"].startswith("# io.kestra.plugin.core.log.Log")
    properties = body["schema"]["properties"]
    assert properties["title"] == "io.kestra.plugin.core.log.Log"
    assert {"id", "type", "message", "level"} <= set(properties["properties"])
    assert "LogLevel" in body["schema"]["definitions"]
    by_alias = live.client.get(f"{PLUGINS}/io.kestra.core.tasks.log.Log").json()
    assert by_alias["schema"]["properties"] == properties
    # A flowable refers to every task through the task union.
    flowable = live.client.get(f"{PLUGINS}/io.kestra.plugin.core.flow.Sequential").json()
    assert "AnyTask" in flowable["schema"]["definitions"]


def test_flow_and_task_schemas_validate_documents(live: LiveServer) -> None:
    flow_schema = live.client.get(f"{PLUGINS}/schemas/flow")
    assert flow_schema.status_code == 200
    assert flow_schema.headers["cache-control"] == "public, max-age=3600"
    flow = {
        "id": "hello",
        "namespace": "company.team",
        "tasks": [{"id": "log", "type": "io.kestra.plugin.core.log.Log", "message": "hi"}],
    }
    jsonschema.validate(flow, flow_schema.json())
    task_schema = live.client.get(f"{PLUGINS}/schemas/task").json()
    jsonschema.validate(flow["tasks"][0], task_schema)
    tasks = live.client.get(f"{PLUGINS}/schemas/task", params={"arrayOf": True}).json()
    assert tasks["type"] == "array"
    jsonschema.validate(flow["tasks"], tasks)
    bad_task = {"id": "log", "type": "io.kestra.plugin.core.log.Log", "nope": 1}
    try:
        jsonschema.validate(bad_task, task_schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an unknown property should not validate")


def test_unknown_types_and_schema_kinds_are_404_json(live: LiveServer) -> None:
    typo = live.client.get(f"{PLUGINS}/io.kestra.plugin.core.log.Lgo")
    assert typo.status_code == 404
    assert typo.json()["message"] == (
        "Unknown plugin type 'io.kestra.plugin.core.log.Lgo' "
        "(did you mean io.kestra.plugin.core.log.Log?)"
    )
    unknown = live.client.get(f"{PLUGINS}/com.example.Nothing")
    assert unknown.status_code == 404 and "Unknown plugin type" in unknown.json()["message"]
    kind = live.client.get(f"{PLUGINS}/schemas/dashboard")
    assert kind.status_code == 404 and "expected one of flow" in kind.json()["message"]


def test_a_typed_task_documents_its_outputs_and_examples(live: LiveServer) -> None:
    body = live.client.get(f"{PLUGINS}/io.kestra.plugin.core.http.Request").json()
    outputs = body["schema"]["outputs"]
    assert {"uri", "code", "headers", "body", "encryptedBody"} <= set(outputs["properties"])
    assert set(outputs["required"]) == {"uri", "code", "headers"}
    assert outputs["properties"]["code"]["type"] == "integer"
    assert "EncryptedBody" in outputs["definitions"]
    examples = body["schema"]["properties"]["$examples"]
    assert (
        examples[0]["lang"] == "yaml"
        and "type: io.kestra.plugin.core.http.Request" in (examples[0]["code"])
    )
    assert "## Examples" in body["markdown"] and "## Outputs" in body["markdown"]
    assert "- `code`: The response's status code." in body["markdown"]
    # A task declaring no outputs (Log: RunnableTask[None]) has none.
    assert (
        live.client.get(f"{PLUGINS}/io.kestra.plugin.core.log.Log").json()["schema"]["outputs"]
        is None
    )


def test_the_flow_schema_is_read_from_the_servers_cache_folder(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a previous start of this server kept: served without generating anything.
    monkeypatch.setattr(plugins_api, "_SCHEMAS", {})
    registry = live.server.app.state.ctx.registry
    folder = live.server.app.state.ctx.cache_dir
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    kept = {"$schema": SCHEMA_DIALECT, "title": "kept", "definitions": {}}
    (folder / f"{PREFIX}{schema_key(registry)}.json").write_text(json.dumps(kept))
    response = live.client.get(f"{PLUGINS}/schemas/flow")
    assert response.status_code == 200
    assert response.json() == kept
