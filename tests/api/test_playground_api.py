"""Run one task alone (Kestra's Playground) through a real server: the earlier tasks' outputs
come from a chosen execution, the later tasks do not run, and the run stays out of searches."""

import time

from tests.api.conftest import LiveServer

FLOW = """\
id: pg
namespace: company.pg
inputs:
  - id: who
    type: STRING
    defaults: world
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "made for {{ inputs.who }}"
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: second
        type: io.kestra.plugin.core.debug.Return
        format: "second saw {{ outputs.first.value }}"
  - id: third
    type: io.kestra.plugin.core.log.Log
    message: third ran
"""

LISTENER = """\
id: listener
namespace: company.pg
inputs:
  - id: upstream
    type: STRING
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "after {{ inputs.upstream }}"
triggers:
  - id: on_pg
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      upstream: "{{ trigger.executionId }}"
    preconditions:
      id: pg_ended
      flows:
        - namespace: company.pg
          flowId: pg
"""

BASE = "/api/v1/main"


def _executed(live: LiveServer, inputs: dict[str, str]) -> dict[str, object]:
    response = live.client.post(
        f"{BASE}/executions/company.pg/pg", params={"wait": True}, data=inputs
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    assert body["state"] == {**body["state"], "current": "SUCCESS"}  # type: ignore[dict-item]
    return body


def _outputs(execution: dict[str, object]) -> dict[str, object]:
    runs = execution["taskRunList"]
    assert isinstance(runs, list)
    return {run["taskId"]: (run["outputs"] or {}).get("value") for run in runs}


def test_one_task_runs_alone_with_a_previous_executions_outputs(live: LiveServer) -> None:
    live.deploy(FLOW)
    previous = _executed(live, {"who": "ada"})
    edited = FLOW.replace("second saw", "second now sees")

    response = live.client.post(
        f"{BASE}/playground/runs",
        json={
            "namespace": "company.pg",
            "flowId": "pg",
            "taskId": "second",
            "executionId": previous["id"],
            "source": edited,
        },
    )
    assert response.status_code == 200, response.text
    run = live.wait_ended(response.json()["id"])

    assert run["state"]["current"] == "SUCCESS"  # type: ignore[index]
    assert run["flowRevision"] == 2  # the edited source was saved first, as Kestra's editor does
    # ``first`` is the previous execution's run (its output reused), ``second`` ran on the edited
    # revision at the top level, ``group`` and ``third`` did not run.
    assert _outputs(run) == {"first": "made for ada", "second": "second now sees made for ada"}
    assert {"key": "system.playground", "value": "second"} in run["labels"]  # type: ignore[operator]
    logs = live.client.get(f"{BASE}/logs/{run['id']}").json()
    assert "third ran" not in [line["message"] for line in logs]

    listed = live.client.get(f"{BASE}/executions/search", params={"namespace": "company.pg"})
    assert [e["id"] for e in listed.json()["results"]] == [previous["id"]]
    runs = live.client.get(
        f"{BASE}/playground/runs", params={"namespace": "company.pg", "flowId": "pg"}
    )
    assert [e["id"] for e in runs.json()["results"]] == [run["id"]]


def test_without_a_previous_execution_inputs_take_their_defaults(live: LiveServer) -> None:
    live.deploy(FLOW)
    response = live.client.post(
        f"{BASE}/playground/runs",
        json={"namespace": "company.pg", "flowId": "pg", "taskId": "first"},
    )
    assert response.status_code == 200, response.text
    run = live.wait_ended(response.json()["id"])
    assert _outputs(run) == {"first": "made for world"}
    assert run["flowRevision"] == 1  # no source sent: the current revision runs


def test_a_playground_run_starts_no_flow_trigger(live: LiveServer) -> None:
    live.deploy(FLOW)
    live.deploy(LISTENER)
    tried = live.client.post(
        f"{BASE}/playground/runs",
        json={"namespace": "company.pg", "flowId": "pg", "taskId": "first"},
    ).json()
    live.wait_ended(tried["id"])
    # A real run after it: the executor handles the ends in order, so once the listener ran for
    # this one, it has long seen the playground run end.
    real = _executed(live, {"who": "bob"})
    deadline = time.monotonic() + 20
    started: list[dict[str, object]] = []
    while not started and time.monotonic() < deadline:
        found = live.client.get(
            f"{BASE}/executions/search", params={"namespace": "company.pg", "flowId": "listener"}
        )
        started = found.json()["results"]
        time.sleep(0.05)
    assert [e["inputs"] for e in started] == [{"upstream": real["id"]}]


def test_refusals_name_what_is_wrong(live: LiveServer) -> None:
    live.deploy(FLOW)
    live.deploy(FLOW.replace("id: pg", "id: other", 1))
    other = live.client.post(f"{BASE}/executions/company.pg/other", params={"wait": True}).json()

    def refused(body: dict[str, object]) -> tuple[int, str]:
        response = live.client.post(f"{BASE}/playground/runs", json=body)
        return response.status_code, response.json()["message"]

    ask = {"namespace": "company.pg", "flowId": "pg"}
    status, message = refused({**ask, "taskId": "nope"})
    assert status == 422 and "task 'nope' is not a task of flow 'company.pg.pg'" in message
    status, message = refused({**ask, "taskId": "first", "executionId": other["id"]})
    assert status == 422 and "is of flow 'company.pg.other'" in message
    status, message = refused({**ask, "taskId": "first", "executionId": "missing"})
    assert status == 404 and "missing" in message
    status, message = refused({**ask, "taskId": "first", "source": "id: pg\nnamespace: x\n"})
    assert status == 422
    status, _ = refused({"namespace": "company.pg", "flowId": "ghost", "taskId": "first"})
    assert status == 404
    status, _ = refused({**ask})
    assert status == 422
