"""Flows over HTTP: deploy, read with source, revisions, search, validate, delete, bad input."""

from tests.api.conftest import LiveServer

HELLO = """\
id: hello
namespace: company.team
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: hello
"""

YAML = {"content-type": "application/x-yaml"}


def test_ping(live: LiveServer) -> None:
    response = live.client.get("/ping")
    assert response.status_code == 200 and response.text == "pong"


def test_deploy_read_update_revisions_and_delete(live: LiveServer) -> None:
    created = live.deploy(HELLO)
    assert created["id"] == "hello" and created["revision"] == 1
    assert created["source"] == HELLO
    duplicate = live.client.post("/api/v1/flows", content=HELLO, headers=YAML)
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["message"]

    changed = HELLO.replace("message: hello", "message: bonjour")
    updated = live.client.put(
        "/api/v1/main/flows/company.team/hello", content=changed, headers=YAML
    )
    assert updated.status_code == 200 and updated.json()["revision"] == 2
    got = live.client.get("/api/v1/flows/company.team/hello", params={"source": True}).json()
    assert got["revision"] == 2 and got["source"] == changed
    assert got["tasks"][0]["message"] == "bonjour"
    first = live.client.get("/api/v1/flows/company.team/hello", params={"revision": 1}).json()
    assert first["tasks"][0]["message"] == "hello"
    revisions = live.client.get("/api/v1/main/flows/company.team/hello/revisions").json()
    assert [r["revision"] for r in revisions] == [1, 2]

    found = live.client.get("/api/v1/main/flows/search", params={"namespace": "company"}).json()
    assert found["total"] == 1 and found["results"][0]["id"] == "hello"
    assert live.client.get("/api/v1/flows/search", params={"q": "nope"}).json()["total"] == 0

    assert live.client.delete("/api/v1/main/flows/company.team/hello").status_code == 204
    missing = live.client.get("/api/v1/main/flows/company.team/hello")
    assert missing.status_code == 404 and "not found" in missing.json()["message"]
    assert live.client.delete("/api/v1/main/flows/company.team/hello").status_code == 404


def test_an_update_cannot_change_the_flow_id(live: LiveServer) -> None:
    live.deploy(HELLO)
    other = HELLO.replace("id: hello", "id: other")
    response = live.client.put("/api/v1/flows/company.team/hello", content=other, headers=YAML)
    assert response.status_code == 422
    assert "Illegal flow id update" in response.json()["message"]


def test_malformed_and_invalid_flows_get_422_with_line_and_path(live: LiveServer) -> None:
    broken = live.client.post("/api/v1/flows", content="id: x\n  bad: [", headers=YAML)
    assert broken.status_code == 422
    body = broken.json()
    assert body["message"].startswith("Invalid flow")
    assert body["_embedded"]["errors"][0]["line"] >= 1

    typo = HELLO.replace("core.log.Log", "core.log.Lgo")
    invalid = live.client.post("/api/v1/flows", content=typo, headers=YAML)
    assert invalid.status_code == 422
    (error,) = invalid.json()["_embedded"]["errors"]
    assert error["path"] == "tasks[0].type" and error["line"] == 5
    assert "did you mean" in error["message"]


def test_json_bodies_are_refused_with_415(live: LiveServer) -> None:
    response = live.client.post("/api/v1/flows", json={"id": "x"})
    assert response.status_code == 415
    assert "application/x-yaml" in response.json()["message"]


def test_validate_reports_each_document(live: LiveServer) -> None:
    source = HELLO + "---\n" + HELLO.replace("core.log.Log", "core.log.Nope")
    results = live.client.post("/api/v1/main/flows/validate", content=source, headers=YAML).json()
    assert results[0] == {
        "index": 0,
        "flow": "hello",
        "namespace": "company.team",
        "outdated": False,
        "warnings": [],
        "deprecationPaths": [],
        "problems": [],
        "notices": [],
    }
    assert "Nope" in results[1]["constraints"]


def test_namespace_update_deploys_all_and_deletes_the_rest(live: LiveServer) -> None:
    live.deploy(HELLO.replace("id: hello", "id: old"))
    source = HELLO + "---\n" + HELLO.replace("id: hello", "id: second")
    response = live.client.post("/api/v1/flows/company.team", content=source, headers=YAML)
    assert response.status_code == 200
    assert sorted(f["id"] for f in response.json()) == ["hello", "second"]
    listed = live.client.get("/api/v1/flows/company.team").json()
    assert sorted(f["id"] for f in listed) == ["hello", "second"]


def test_unknown_routes_and_methods_answer_json(live: LiveServer) -> None:
    response = live.client.get("/api/v1/nothing/here/at/all/really")
    assert response.status_code == 404
    assert "message" in response.json()


def test_openapi_lists_webhooks_and_metrics_show_the_executor(live: LiveServer) -> None:
    document = live.client.get("/api/v1/openapi.json").json()
    assert "/api/v1/executions/webhook/{namespace}/{flow_id}/{key}" in document["paths"]
    metrics = live.client.get("/metrics").text.splitlines()
    assert "tiercel_worker_threads 8.0" in metrics
    assert any(line.startswith("tiercel_executor_queue_depth ") for line in metrics)
