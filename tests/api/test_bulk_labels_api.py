"""``POST /executions/labels/by-query``: labels added to every execution a search matches,
all or nothing, against a real server."""

from typing import Any

from tests.api.conftest import LiveServer

API = "/api/v1/main/executions"

QUICK = """\
id: quick
namespace: company.team
tasks:
  - id: hi
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

OTHER = QUICK.replace("id: quick", "id: other")


def _labels(execution: dict[str, Any]) -> dict[str, str]:
    """The user labels (not Kestra's own ``system.*``)."""
    return {
        label["key"]: label["value"]
        for label in execution["labels"]
        if not label["key"].startswith("system.")
    }


def _run(live: LiveServer, flow_id: str, labels: list[str]) -> str:
    response = live.client.post(f"{API}/company.team/{flow_id}", params={"labels": labels})
    assert response.status_code == 200, response.text
    execution_id: str = response.json()["id"]
    live.wait_ended(execution_id)
    return execution_id


def test_labels_go_to_every_match_and_only_to_them(live: LiveServer) -> None:
    live.deploy(QUICK)
    live.deploy(OTHER)
    first = _run(live, "quick", ["team:data"])
    second = _run(live, "quick", ["team:web"])
    untouched = _run(live, "other", ["team:data"])

    answer = live.client.post(
        f"{API}/labels/by-query",
        params={"namespace": "company.team", "flowId": "quick"},
        json=[{"key": "batch", "value": "7"}, {"key": "team", "value": "ops"}],
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 2}
    for execution_id in (first, second):
        labels = _labels(live.client.get(f"{API}/{execution_id}").json())
        assert (labels["batch"], labels["team"]) == ("7", "ops")
    assert _labels(live.client.get(f"{API}/{untouched}").json()) == {"team": "data"}
    found = live.client.get(f"{API}/search", params={"labels": "batch:7"}).json()
    assert sorted(e["id"] for e in found["results"]) == sorted([first, second])

    # The legacy prefix answers too; a search matching nothing labels nothing.
    none = live.client.post(
        "/api/v1/executions/labels/by-query",
        params={"q": "no-such"},
        json=[{"key": "a", "value": "b"}],
    )
    assert none.status_code == 200 and none.json() == {"count": 0}


def test_refusals_leave_every_execution_as_it_was(live: LiveServer) -> None:
    live.deploy(QUICK)
    execution_id = _run(live, "quick", ["team:data"])
    system = live.client.post(
        f"{API}/labels/by-query",
        params={"flowId": "quick"},
        json=[{"key": "batch", "value": "1"}, {"key": "system.correlationId", "value": "forged"}],
    )
    assert system.status_code == 400, system.text
    assert system.json()["_embedded"]["errors"][0]["path"] == "executionsId[0]"
    assert "batch" not in _labels(live.client.get(f"{API}/{execution_id}").json())
    for params, body in [
        ({"flowId": "quick"}, {"key": "a", "value": "b"}),  # not a list
        ({"labels": "nocolon"}, [{"key": "a", "value": "b"}]),
        ({"state": "SLEEPING"}, [{"key": "a", "value": "b"}]),
        ({"flowId": "quick"}, [{"key": "a"}]),
    ]:
        refused = live.client.post(f"{API}/labels/by-query", params=params, json=body)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.json()["message"]


def test_openapi_documents_it(live: LiveServer) -> None:
    paths = live.client.get("/api/v1/openapi.json").json()["paths"]
    route = paths["/api/v1/main/executions/labels/by-query"]["post"]
    assert route["summary"] == "Add labels to the executions a search matches"
    assert any(p["name"] == "flowId" for p in route["parameters"])
