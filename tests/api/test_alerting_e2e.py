"""Kestra's flow-level alerting pattern through a live server: a flow with a Flow trigger on
FAILED executions of a namespace sends ``SlackExecution`` for the execution that failed. A
loopback HTTP server stands in for Slack (its SaaS cannot run here) and records the message."""

import json
import time
from collections.abc import Iterator

import pytest
from tests.api.conftest import LiveServer
from tests.plugins.core.run.run_support import Reply, Server, serve

FAILING = """\
id: nightly_load
namespace: prod.sales
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: extracting
  - id: load
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: warehouse down
"""

FINE = """\
id: fine
namespace: prod.sales
tasks:
  - id: only
    type: io.kestra.plugin.core.log.Log
    message: all good
"""

ALERT = """\
id: failure_alert
namespace: system
tasks:
  - id: send_alert
    type: io.kestra.plugin.notifications.slack.SlackExecution
    url: "{url}"
    executionId: "{{{{ trigger.executionId }}}}"
triggers:
  - id: failed_prod_workflows
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in:
          - FAILED
          - WARNING
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: prod
        prefix: true
"""


@pytest.fixture
def slack() -> Iterator[Server]:
    yield from serve(None)


def test_a_failed_execution_of_the_namespace_sends_its_summary_to_slack(
    live: LiveServer, slack: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERCEL_URL", "https://kestra.example.org")
    url = slack.route("/services/T0/B0/secret", Reply(200, b"ok"))
    live.deploy(ALERT.format(url=url))
    live.deploy(FAILING)
    live.deploy(FINE)
    base = "/api/v1/main/executions"
    fine = live.client.post(f"{base}/prod.sales/fine", params={"wait": True}).json()
    assert fine["state"]["current"] == "SUCCESS"
    failed = live.client.post(f"{base}/prod.sales/nightly_load", params={"wait": True}).json()
    assert failed["state"]["current"] == "FAILED"

    deadline = time.monotonic() + 20
    while not slack.received and time.monotonic() < deadline:
        time.sleep(0.05)
    (request,) = slack.received
    message = json.loads(request.body)
    link = f"https://kestra.example.org/ui/executions/prod.sales/nightly_load/{failed['id']}"
    assert message["text"].startswith(
        f"*<{link}|[prod.sales] nightly_load ➛ FAILED>*\n> Failed on task `load` after "
    )
    fields = {f["title"]: f["value"] for f in message["attachments"][0]["fields"]}
    assert fields == {
        "Namespace": "prod.sales",
        "Flow ID": "nightly_load",
        "Execution ID": failed["id"],
        "Execution Status": "FAILED",
        "Final task ID": "load",
    }
    alerts = live.client.get(
        f"{base}/search", params={"namespace": "system", "flowId": "failure_alert"}
    ).json()["results"]
    (alert,) = alerts
    assert live.wait_ended(alert["id"])["state"]["current"] == "SUCCESS"
    time.sleep(0.3)
    assert len(slack.received) == 1, "the successful execution must not have been reported"
