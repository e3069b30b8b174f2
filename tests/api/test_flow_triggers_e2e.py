"""Flow triggers through a live server: an execution's end starts the flows listening for it,
with the upstream execution as ``trigger.*``; a failed upstream does not start a flow that
waits for SUCCESS; a disabled flow trigger starts nothing."""

import time

from tests.api.conftest import LiveServer

UPSTREAM = """\
id: upstream
namespace: company.team
inputs:
  - id: fail
    type: BOOLEAN
    defaults: false
tasks:
  - id: work
    type: io.kestra.plugin.core.execution.Fail
    runIf: "{{ inputs.fail }}"
outputs:
  - id: answer
    type: INT
    value: 42
"""

DOWNSTREAM = """\
id: downstream
namespace: company.team
inputs:
  - id: from
    type: STRING
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "after {{ trigger.flowId }} {{ trigger.state }} {{ trigger.outputs.answer }}"
triggers:
  - id: on_upstream
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      from: "{{ trigger.executionId }}"
    preconditions:
      id: upstream_ok
      flows:
        - namespace: company.team
          flowId: upstream
          states: [SUCCESS]
"""

BASE = "/api/v1/main/executions"


def _downstream(live: LiveServer) -> list[dict[str, object]]:
    found = live.client.get(
        f"{BASE}/search", params={"namespace": "company.team", "flowId": "downstream"}
    ).json()
    results: list[dict[str, object]] = found["results"]
    return results


def test_an_upstream_success_starts_the_listening_flow(live: LiveServer) -> None:
    live.deploy(UPSTREAM)
    live.deploy(DOWNSTREAM)
    failed = live.client.post(
        f"{BASE}/company.team/upstream", params={"wait": True}, data={"fail": "true"}
    )
    assert failed.json()["state"]["current"] == "FAILED"
    done = live.client.post(f"{BASE}/company.team/upstream", params={"wait": True}).json()
    assert done["state"]["current"] == "SUCCESS"
    deadline = time.monotonic() + 10
    while not _downstream(live) and time.monotonic() < deadline:
        time.sleep(0.05)
    (started,) = _downstream(live)
    ended = live.wait_ended(str(started["id"]))
    assert ended["state"]["current"] == "SUCCESS"
    assert ended["inputs"] == {"from": done["id"]}
    trigger = ended["trigger"]
    assert isinstance(trigger, dict)
    assert trigger["type"] == "io.kestra.plugin.core.trigger.Flow"
    assert trigger["variables"]["executionId"] == done["id"]
    logs = live.client.get(f"/api/v1/logs/{started['id']}").json()
    assert "after upstream SUCCESS 42" in [line["message"] for line in logs]
    time.sleep(0.3)
    assert len(_downstream(live)) == 1, "the failed upstream must not have started one"
