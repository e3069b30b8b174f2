"""Changes by hand over HTTP: a task run's state (``/state``), labels (one execution and
``/labels/by-ids``), then searching by label; and the refusals, each a 4xx with a JSON body."""

import time
from typing import Any

from tests.api.conftest import LiveServer

BASE = "/api/v1/main/executions"
LEGACY = "/api/v1/executions"

FAILING = """\
id: failing
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: first
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
  - id: later
    type: io.kestra.plugin.core.log.Log
    message: later ran
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
    message: handled
"""

QUICK = """\
id: quick
namespace: company.team
tasks:
  - id: hi
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

SLOW = """\
id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT30S
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: never
"""


def _run(live: LiveServer, flow_id: str, labels: list[str] | None = None) -> dict[str, Any]:
    response = live.client.post(f"{BASE}/company.team/{flow_id}", params={"labels": labels or []})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _wait_state(live: LiveServer, execution_id: str, state: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body: dict[str, Any] = live.client.get(f"{BASE}/{execution_id}").json()
        if body["state"]["current"] == state:
            return body
        time.sleep(0.05)
    raise AssertionError(f"{execution_id} never reached {state}")


def _run_id(execution: dict[str, Any], task_id: str) -> str:
    (run,) = [r for r in execution["taskRunList"] if r["taskId"] == task_id]
    run_id: str = run["id"]
    return run_id


def _labels(execution: dict[str, Any]) -> dict[str, str]:
    return {label["key"]: label["value"] for label in execution["labels"]}


def test_a_failed_task_run_set_to_success_lets_the_execution_go_on(live: LiveServer) -> None:
    live.deploy(FAILING)
    failed = live.wait_ended(_run(live, "failing")["id"])
    assert failed["state"]["current"] == "FAILED"
    assert [r["taskId"] for r in failed["taskRunList"]] == ["first", "boom", "on_error"]

    response = live.client.post(
        f"{BASE}/{failed['id']}/state",
        json={"taskRunId": _run_id(failed, "boom"), "state": "SUCCESS"},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["id"] == failed["id"]
    boom = next(r for r in changed["taskRunList"] if r["taskId"] == "boom")
    assert boom["state"]["current"] == "SUCCESS"
    assert changed["metadata"]["attemptNumber"] == 2

    ended = live.wait_ended(failed["id"])
    assert ended["state"]["current"] == "SUCCESS"
    assert [r["taskId"] for r in ended["taskRunList"]] == ["first", "boom", "later"]
    logs = live.client.get(f"/api/v1/logs/{failed['id']}").json()
    assert "later ran" in [line["message"] for line in logs]

    # Once more, through the path without the tenant: WARNING on a now-succeeded run.
    again = live.client.post(
        f"{LEGACY}/{failed['id']}/state",
        json={"taskRunId": _run_id(ended, "later"), "state": "WARNING"},
    )
    assert again.status_code == 200, again.text
    assert live.wait_ended(failed["id"])["state"]["current"] == "WARNING"


def test_change_state_refusals(live: LiveServer) -> None:
    live.deploy(FAILING)
    live.deploy(SLOW)
    failed = live.wait_ended(_run(live, "failing")["id"])
    boom = _run_id(failed, "boom")
    url = f"{BASE}/{failed['id']}/state"

    not_settable = live.client.post(url, json={"taskRunId": boom, "state": "RUNNING"})
    assert not_settable.status_code == 422
    assert "SUCCESS, WARNING, FAILED" in not_settable.json()["message"]
    bogus = live.client.post(url, json={"taskRunId": boom, "state": "DONE"})
    assert bogus.status_code == 422 and bogus.json()["message"] == "Invalid request"
    missing = live.client.post(url, json={"state": "SUCCESS"})
    assert missing.status_code == 422
    assert any("taskRunId" in e["path"] for e in missing.json()["_embedded"]["errors"])
    unknown_run = live.client.post(url, json={"taskRunId": "nope", "state": "SUCCESS"})
    assert unknown_run.status_code == 404 and "nope" in unknown_run.json()["message"]
    unknown = live.client.post(f"{BASE}/nope/state", json={"taskRunId": boom, "state": "SUCCESS"})
    assert unknown.status_code == 404 and "not found" in unknown.json()["message"]

    running = _wait_state(live, _run(live, "slow")["id"], "RUNNING")
    refused = live.client.post(
        f"{BASE}/{running['id']}/state",
        json={"taskRunId": _run_id(running, "nap"), "state": "SUCCESS"},
    )
    assert refused.status_code == 409 and "RUNNING" in refused.json()["message"]
    assert live.client.post(f"{BASE}/{running['id']}/kill").status_code == 202
    live.wait_ended(running["id"])

    # Nothing was changed by the refusals.
    still = live.client.get(f"{BASE}/{failed['id']}").json()
    assert still["state"]["current"] == "FAILED" and still["metadata"]["attemptNumber"] == 1


def test_labels_replace_the_user_labels_and_are_searchable(live: LiveServer) -> None:
    live.deploy(QUICK)
    ended = live.wait_ended(_run(live, "quick", ["team:data", "env:dev"])["id"])
    before = _labels(ended)
    assert before["team"] == "data" and "system.correlationId" in before

    response = live.client.post(
        f"{BASE}/{ended['id']}/labels",
        json=[{"key": "env", "value": "prod"}, {"key": "owner", "value": "ada"}],
    )
    assert response.status_code == 200, response.text
    after = _labels(response.json())
    assert after == {
        "env": "prod",
        "owner": "ada",
        "system.correlationId": before["system.correlationId"],
    }
    assert _labels(live.client.get(f"{BASE}/{ended['id']}").json()) == after

    def search(*labels: str) -> list[str]:
        found = live.client.get(f"{BASE}/search", params={"labels": list(labels)})
        assert found.status_code == 200, found.text
        return [e["id"] for e in found.json()["results"]]

    assert search("env:prod") == [ended["id"]]
    assert search("env:prod", "owner:ada") == [ended["id"]]
    assert search("team:data") == []
    assert search("env:dev") == []
    bad = live.client.get(f"{BASE}/search", params={"labels": "nocolon"})
    assert bad.status_code == 422 and "key:value" in bad.json()["message"]


def test_labels_of_a_running_execution_survive_its_later_saves(live: LiveServer) -> None:
    live.deploy(SLOW)
    running = _wait_state(live, _run(live, "slow", ["team:data"])["id"], "RUNNING")
    response = live.client.post(
        f"{LEGACY}/{running['id']}/labels", json=[{"key": "reviewed", "value": "yes"}]
    )
    assert response.status_code == 200, response.text
    assert _labels(response.json())["reviewed"] == "yes"
    assert "team" not in _labels(response.json())
    # The executor saves the execution again when it is killed: the labels stay.
    assert live.client.post(f"{BASE}/{running['id']}/kill").status_code == 202
    killed = live.wait_ended(running["id"])
    assert killed["state"]["current"] == "KILLED"
    assert _labels(killed)["reviewed"] == "yes" and "team" not in _labels(killed)


def test_label_refusals(live: LiveServer) -> None:
    live.deploy(QUICK)
    ended = live.wait_ended(_run(live, "quick", ["team:data"])["id"])
    url = f"{BASE}/{ended['id']}/labels"
    system = live.client.post(url, json=[{"key": "system.correlationId", "value": "forged"}])
    assert system.status_code == 422 and "System labels" in system.json()["message"]
    keyless = live.client.post(url, json=[{"key": "", "value": "x"}])
    assert keyless.status_code == 422 and "key" in keyless.json()["message"]
    not_a_list = live.client.post(url, json={"key": "a", "value": "b"})
    assert not_a_list.status_code == 422
    unknown = live.client.post(f"{BASE}/nope/labels", json=[{"key": "a", "value": "b"}])
    assert unknown.status_code == 404 and "not found" in unknown.json()["message"]
    # The execution's own system labels may be sent back unchanged, and empty rows ignored.
    correlation = _labels(ended)["system.correlationId"]
    kept = live.client.post(
        url,
        json=[
            {"key": "system.correlationId", "value": correlation},
            {"key": "", "value": ""},
            {"key": "team", "value": "ops"},
        ],
    )
    assert kept.status_code == 200, kept.text
    assert _labels(kept.json()) == {"system.correlationId": correlation, "team": "ops"}


def test_bulk_labels_are_added_to_each_execution(live: LiveServer) -> None:
    live.deploy(QUICK)
    first = live.wait_ended(_run(live, "quick", ["team:data"])["id"])
    second = live.wait_ended(_run(live, "quick", ["team:web", "batch:0"])["id"])
    ids = [first["id"], second["id"]]

    refused = live.client.post(
        f"{LEGACY}/labels/by-ids",
        json={
            "executionsId": [first["id"], "nope"],
            "executionLabels": [{"key": "b", "value": "1"}],
        },
    )
    assert refused.status_code == 400
    errors = refused.json()["_embedded"]["errors"]
    assert errors == [{"path": "executionsId[1]", "message": "execution 'nope' not found"}]
    assert "b" not in _labels(live.client.get(f"{BASE}/{first['id']}").json())

    response = live.client.post(
        f"{BASE}/labels/by-ids",
        json={"executionsId": ids, "executionLabels": [{"key": "batch", "value": "1"}]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"count": 2}
    one = _labels(live.client.get(f"{BASE}/{first['id']}").json())
    two = _labels(live.client.get(f"{BASE}/{second['id']}").json())
    assert (one["team"], one["batch"]) == ("data", "1")
    assert (two["team"], two["batch"]) == ("web", "1")
    found = live.client.get(f"{BASE}/search", params={"labels": "batch:1"}).json()
    assert found["total"] == 2 and sorted(e["id"] for e in found["results"]) == sorted(ids)

    malformed = live.client.post(f"{BASE}/labels/by-ids", json={"executionsId": ids})
    assert malformed.status_code == 422


def test_openapi_lists_the_change_routes(live: LiveServer) -> None:
    paths = live.client.get("/api/v1/openapi.json").json()["paths"]
    for prefix in ("/api/v1/main", "/api/v1"):
        assert "post" in paths[f"{prefix}/executions/{{execution_id}}/state"]
        assert "post" in paths[f"{prefix}/executions/{{execution_id}}/labels"]
        assert "post" in paths[f"{prefix}/executions/labels/by-ids"]
        assert "get" in paths[f"{prefix}/logs/search"]
