"""The ``*Execution`` notifications describe an ended execution (found by id, as a Flow
trigger passes it): a loopback HTTP server stands in for each vendor's service and the test
checks each payload against the vendor's documented shape and Kestra's summary."""

import json
from typing import Any

import pytest
from tests.plugins.core.run.run_support import Reply, Server
from tests.plugins.flow_support import RunFlow, flow_of, messages, states

from tiercel.runtime.services import Finished

N = "io.kestra.plugin.notifications."
UI = "https://kestra.example.org/"
FAILING = """
id: etl
namespace: prod.sales
tasks:
  - id: extract
    type: io.kestra.plugin.core.log.Log
    message: extracting
  - id: load
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: warehouse down
"""


@pytest.fixture
def failed(run_flow: RunFlow, monkeypatch: pytest.MonkeyPatch) -> Finished:
    monkeypatch.setenv("TIERCEL_URL", UI)
    finished = run_flow(FAILING)
    assert finished.execution.state.current.value == "FAILED"
    return finished


def _send_all(server: Server, run_flow: RunFlow, execution_id: str) -> dict[str, Any]:
    ok = Reply(200, b'{"ok": true}')
    urls = {name: server.route(f"/{name}", ok) for name in "stdgpoz"}
    server.route("/botT/sendMessage", ok)
    server.route("/api/7/store/", ok)
    common = {"executionId": execution_id}
    finished = run_flow(
        flow_of(
            {
                "id": "s",
                "type": N + "slack.SlackExecution",
                "url": urls["s"],
                "customMessage": "Sales ETL is down",
                "customFields": {"Env": "prod"},
                **common,
            },
            {
                "id": "t",
                "type": N + "teams.TeamsExecution",
                "url": urls["t"],
                "activityTitle": "Kestra",
                **common,
            },
            {
                "id": "d",
                "type": N + "discord.DiscordExecution",
                "url": urls["d"],
                "username": "kestra",
                **common,
            },
            {"id": "g", "type": N + "google.GoogleChatExecution", "url": urls["g"], **common},
            {
                "id": "p",
                "type": N + "pagerduty.PagerDutyExecution",
                "url": urls["p"],
                "routingKey": "RK",
                "payloadSummary": "ETL failed",
                **common,
            },
            {
                "id": "o",
                "type": N + "opsgenie.OpsgenieExecution",
                "url": urls["o"],
                "message": "ETL failed",
                "responders": {"team-1": "team"},
                "tags": ["etl"],
                "priority": "P1",
                "authorizationToken": "GenieKey k",
                **common,
            },
            {"id": "z", "type": N + "zenduty.ZendutyExecution", "url": urls["z"], **common},
            {
                "id": "tg",
                "type": N + "telegram.TelegramExecution",
                "token": "T",
                "channel": "42",
                "endpointOverride": server.url,
                **common,
            },
            {
                "id": "se",
                "type": N + "sentry.SentryExecution",
                "endpointType": "STORE",
                "dsn": f"http://key1@{server.url.removeprefix('http://')}/7",
                **common,
            },
        )
    )
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    return {r.path.split("?")[0].lstrip("/"): json.loads(r.body) for r in server.received}


def test_each_vendor_gets_kestras_summary(
    failed: Finished, server: Server, run_flow: RunFlow
) -> None:
    execution_id = failed.execution.id
    link = f"https://kestra.example.org/ui/executions/prod.sales/etl/{execution_id}"
    sent = _send_all(server, run_flow, execution_id)

    slack = sent["s"]
    heading = f"*<{link}|[prod.sales] etl ➛ FAILED>*"
    assert slack["text"].startswith(f"{heading}\n> Failed on task `load` after 00:00:")
    custom, section = slack["blocks"]
    assert custom == {"type": "section", "text": {"type": "mrkdwn", "text": "Sales ETL is down"}}
    assert section["accessory"]["url"] == link
    (attachment,) = slack["attachments"]
    assert attachment["color"] == "danger"
    assert [(f["title"], f["value"]) for f in attachment["fields"]] == [
        ("Namespace", "prod.sales"),
        ("Flow ID", "etl"),
        ("Execution ID", execution_id),
        ("Execution Status", "FAILED"),
        ("Env", "prod"),
        ("Final task ID", "load"),
    ]
    assert isinstance(attachment["ts"], int)

    teams = sent["t"]
    assert teams["@type"] == "MessageCard" and teams["themeColor"] == "0076D7"
    (facts,) = teams["sections"]
    assert facts["activityTitle"] == "Kestra"
    assert {f["name"]: f["value"] for f in facts["facts"]}["Final task ID"] == "load"

    discord = sent["d"]
    assert discord["username"] == "kestra" and discord["tts"] is False
    (embed,) = discord["embeds"]
    assert f"Execution ID: {execution_id}" in embed["description"]
    assert f"[Link to the Execution page]({link})" in embed["description"]
    assert embed["footer"]["text"].startswith("Failed on task `load` after ")

    assert sent["g"]["text"].startswith("Kestra Google notification: Namespace prod.sales, Flow")

    pagerduty = sent["p"]
    assert pagerduty["routing_key"] == "RK" and pagerduty["event_action"] == "trigger"
    assert pagerduty["payload"]["severity"] == "error"
    assert pagerduty["payload"]["summary"] == "ETL failed"
    assert pagerduty["payload"]["source"] == f"prod.sales {execution_id}"
    assert pagerduty["links"][0]["href"] == link

    opsgenie = sent["o"]
    assert opsgenie["message"] == "ETL failed" and opsgenie["priority"] == "P1"
    assert opsgenie["responders"] == [{"id": "team-1", "type": "team"}]
    assert opsgenie["tags"] == ["etl"]

    zenduty = sent["z"]
    assert zenduty["alert_type"] == "error" and zenduty["entity_id"] == execution_id
    assert zenduty["urls"][0] == {"link_url": link, "link_text": "Execution link"}

    telegram = sent["botT/sendMessage"]
    assert telegram["chat_id"] == "42"
    assert telegram["text"].startswith(f"<prod.sales etl {execution_id} ➛ FAILED - Final task ID")

    sentry = sent["api/7/store/"]
    (exception,) = sentry["exception"]["values"]
    assert exception["type"] == "etl ➛ FAILED" and exception["module"] == "prod.sales"
    assert sentry["extra"]["Link"] == link and sentry["level"] == "error"


def test_without_a_server_url_there_is_no_link(
    run_flow: RunFlow, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIERCEL_URL", raising=False)
    upstream = run_flow(FAILING)
    url = server.route("/s", Reply(200, b"ok"))
    run_flow(
        flow_of(
            {
                "id": "s",
                "type": N + "slack.SlackExecution",
                "url": url,
                "executionId": upstream.execution.id,
            }
        )
    )
    slack = json.loads(server.received[0].body)
    assert slack["text"].startswith("*[prod.sales] etl ➛ FAILED*\n> Failed on task `load`")
    assert "accessory" not in slack["blocks"][0]


def test_an_unknown_execution_fails_clearly(run_flow: RunFlow, server: Server) -> None:
    url = server.route("/s", Reply(200, b"ok"))
    finished = run_flow(
        flow_of({"id": "s", "type": N + "slack.SlackExecution", "url": url, "executionId": "nope"})
    )
    assert states(finished) == {"s": "FAILED"}
    assert "Unable to find execution 'nope'" in messages(finished, "s")
    assert server.received == []
