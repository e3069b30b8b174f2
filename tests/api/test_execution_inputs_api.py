"""``POST /executions/{namespace}/{flowId}/validate``: the Execute form's inputs as the server
sees them while the user fills them in (dependsOn and its condition, a SELECT's expression),
against a real server."""

from typing import Any

from tests.api.conftest import LiveServer

API = "/api/v1/main/executions"

DEPLOY = """\
id: deploy
namespace: company.team
inputs:
  - id: env
    type: SELECT
    values: [dev, prod]
  - id: region
    type: SELECT
    expression: "{{ inputs.env == 'prod' ? ['eu-west', 'us-east'] : ['local'] }}"
    dependsOn:
      inputs: [env]
  - id: approver
    type: STRING
    dependsOn:
      inputs: [env]
      condition: "{{ inputs.env == 'prod' }}"
  - id: replicas
    type: INT
    defaults: 2
tasks:
  - id: hi
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.env }}"
"""


def _by_id(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["input"]["id"]: item for item in answer["inputs"]}


def test_dependent_inputs_follow_the_values_given(live: LiveServer) -> None:
    live.deploy(DEPLOY)
    empty = live.client.post(f"{API}/company.team/deploy/validate", files={"_": (None, "")})
    assert empty.status_code == 422  # a field that is no input is refused, as for a new execution
    nothing = live.client.post(f"{API}/company.team/deploy/validate", json={})
    assert nothing.status_code == 200, nothing.text
    body = nothing.json()
    assert (body["id"], body["namespace"], body["checks"]) == ("deploy", "company.team", [])
    states = _by_id(body)
    assert [i["input"]["id"] for i in body["inputs"]] == ["env", "region", "approver", "replicas"]
    assert states["env"]["enabled"] and states["env"]["errors"][0]["message"].startswith(
        "Invalid input for `env`, missing required input"
    )
    assert states["region"]["enabled"] is False and states["approver"]["enabled"] is False
    assert states["replicas"] == {
        "input": {"id": "replicas", "type": "INT", "required": True, "defaults": 2},
        "value": 2,
        "enabled": True,
        "isDefault": True,
        "errors": [],
    }

    dev = _by_id(
        live.client.post(f"{API}/company.team/deploy/validate", data={"env": "dev"}).json()
    )
    assert dev["region"]["enabled"] and dev["region"]["input"]["values"] == ["local"]
    assert dev["approver"]["enabled"] is False  # its condition is false

    prod = _by_id(
        live.client.post(
            f"{API}/company.team/deploy/validate", data={"env": "prod", "region": "mars"}
        ).json()
    )
    assert prod["region"]["input"]["values"] == ["eu-west", "us-east"]
    assert "mars" in prod["region"]["errors"][0]["message"]
    assert prod["approver"]["enabled"] is True
    assert "approver`, missing required input" in prod["approver"]["errors"][0]["message"]
    assert prod["env"] == {**prod["env"], "value": "prod", "isDefault": False, "errors": []}


def test_unknown_flow_is_a_404(live: LiveServer) -> None:
    answer = live.client.post(f"{API}/company.team/nope/validate", json={})
    assert answer.status_code == 404
    assert answer.json()["message"] == "Flow 'company.team.nope' not found"


def test_a_new_execution_leaves_disabled_inputs_out(live: LiveServer) -> None:
    live.deploy(DEPLOY)
    dev = live.client.post(f"{API}/company.team/deploy", data={"env": "dev", "region": "local"})
    assert dev.status_code == 200, dev.text
    assert dev.json()["inputs"] == {"env": "dev", "region": "local", "replicas": 2}
    refused = live.client.post(f"{API}/company.team/deploy", data={"env": "prod"})
    assert refused.status_code == 422
    assert "approver" in refused.text and "region" in refused.text
    prod = live.client.post(
        f"{API}/company.team/deploy",
        data={"env": "prod", "region": "us-east", "approver": "ana"},
    )
    assert prod.status_code == 200, prod.text
    assert prod.json()["inputs"]["approver"] == "ana"
