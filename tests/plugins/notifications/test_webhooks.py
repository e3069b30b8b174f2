"""The webhook notifications, run in real flows against a loopback HTTP server that stands in
for each vendor's service (the SaaS cannot run here): it records what is sent, and each test
checks the payload against the shape the vendor documents."""

import json
import time

from tests.plugins.core.run.run_support import Received, Reply, Server
from tests.plugins.flow_support import RunFlow, flow_of, messages, states

N = "io.kestra.plugin.notifications."
TOKEN = "T000/B000/XXXXsecretXXXX"
OK = Reply(200, b"ok")


def test_slack_payload_is_posted_as_json(server: Server, run_flow: RunFlow) -> None:
    url = server.route(f"/services/{TOKEN}", OK)
    payload = '{"text": "Failure alert for flow {{ flow.namespace }}.{{ flow.id }}"}'
    finished = run_flow(
        flow_of(
            {
                "id": "slack",
                "type": N + "slack.SlackIncomingWebhook",
                "url": url,
                "payload": payload,
                "options": {"headers": {"X-Team": "data"}},
            }
        )
    )
    assert finished.execution.state.current.value == "SUCCESS"
    (request,) = server.received
    assert request.method == "POST"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-team"] == "data"
    assert json.loads(request.body) == {"text": "Failure alert for flow company.team.notify"}


def test_slack_message_text_becomes_mrkdwn_under_the_new_type(
    server: Server, run_flow: RunFlow
) -> None:
    url = server.route("/hook", OK)
    run_flow(
        flow_of(
            {
                "id": "slack",
                "type": "io.kestra.plugin.slack.notifications.SlackIncomingWebhook",
                "url": url,
                "messageText": "**Done**: see [the run](https://example.org/r/1) __now__",
            }
        )
    )
    body = json.loads(server.received[0].body)
    # Slack's incoming webhooks take {"text": ...} in mrkdwn: *bold*, _italic_, <url|text>.
    assert body == {"text": "*Done*: see <https://example.org/r/1|the run> _now_"}


def test_a_429_is_retried_after_retry_after(server: Server, run_flow: RunFlow) -> None:
    answers = [Reply(429, b"rate limited", {"Retry-After": "0"}), Reply(503, b"", {}), OK]

    def reply(_request: Received) -> Reply:
        return answers.pop(0)

    url = server.route("/hook", reply)
    finished = run_flow(
        flow_of(
            {
                "id": "slack",
                "type": N + "slack.SlackIncomingWebhook",
                "url": url,
                "messageText": "hi",
            }
        )
    )
    assert finished.execution.state.current.value == "SUCCESS"
    assert len(server.received) == 3
    logs = messages(finished, "slack")
    assert any("answered 429; attempt 2 of 4 in 0s" in line for line in logs)


def test_a_429_waits_the_retry_after_seconds_then_succeeds(
    server: Server, run_flow: RunFlow
) -> None:
    answers = [Reply(429, b"slow down", {"Retry-After": "1"}), OK]
    arrivals: list[float] = []

    def reply(_request: Received) -> Reply:
        arrivals.append(time.monotonic())
        return answers.pop(0)

    url = server.route(f"/services/{TOKEN}", reply)
    finished = run_flow(
        flow_of({"id": "discord", "type": N + "discord.DiscordIncomingWebhook", "url": url,
                 "payload": '{"content": "hi"}'})
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS"
    assert len(server.received) == 2 and not answers
    # The wait is the one the receiver asked for: never shorter (an upper bound would be flaky).
    assert arrivals[1] - arrivals[0] >= 0.95
    (warning,) = [line for line in messages(finished, "discord") if "answered 429" in line]
    assert warning == f"Discord: '{server.url}/******' answered 429; attempt 2 of 4 in 1s"


def test_a_refusal_fails_in_one_line_without_the_token(server: Server, run_flow: RunFlow) -> None:
    server.route(f"/services/{TOKEN}", Reply(403, b"invalid_token"))
    finished = run_flow(
        flow_of(
            {
                "id": "slack",
                "type": N + "slack.SlackIncomingWebhook",
                "url": f"{server.url}/services/{TOKEN}",
                "messageText": "hi",
            },
            errors=[
                {
                    "id": "handled",
                    "type": "io.kestra.plugin.core.log.Log",
                    "message": "errors branch ran",
                }
            ],
        )
    )
    assert finished.execution.state.current.value == "FAILED"
    assert states(finished) == {"slack": "FAILED", "handled": "SUCCESS"}
    assert len(server.received) == 1, "a 403 is not retried"
    text = "\n".join(line.message for line in finished.logs)
    assert f"Slack: '{server.url}/******' answered 403 Forbidden: invalid_token" in text
    assert "secretXXXX" not in text and "Traceback" not in text
    assert messages(finished, "handled") == ["errors branch ran"]


def test_an_unreachable_webhook_still_runs_the_errors_branch(run_flow: RunFlow) -> None:
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/services/{TOKEN}"
    finished = run_flow(
        flow_of(
            {"id": "teams", "type": N + "teams.TeamsIncomingWebhook", "url": url, "payload": "{}"},
            errors=[
                {
                    "id": "handled",
                    "type": "io.kestra.plugin.core.log.Log",
                    "message": "alerting failed, logged instead",
                }
            ],
        )
    )
    assert states(finished) == {"teams": "FAILED", "handled": "SUCCESS"}
    (failure,) = [line.message for line in finished.logs if "cannot reach" in line.message]
    assert failure.startswith("Microsoft Teams: cannot reach 'http://127.0.0.1:")
    assert "\n" not in failure and "secretXXXX" not in failure


def test_teams_discord_google_chat_payloads(server: Server, run_flow: RunFlow) -> None:
    teams, discord, chat = (server.route(f"/{name}", OK) for name in ("t", "d", "g"))
    card = '{"@type": "MessageCard", "text": "{{ flow.id }} done"}'
    run_flow(
        flow_of(
            {"id": "t", "type": N + "teams.TeamsIncomingWebhook", "url": teams, "payload": card},
            {
                "id": "d",
                "type": "io.kestra.plugin.discord.DiscordIncomingWebhook",
                "url": discord,
                "payload": '{"content": "{{ flow.id }} done", "tts": false}',
            },
            {
                "id": "g",
                "type": N + "google.GoogleChatIncomingWebhook",
                "url": chat,
                "payload": '{"text": "{{ flow.id }} done"}',
            },
        )
    )
    bodies = {r.path: json.loads(r.body) for r in server.received}
    assert bodies["/t"] == {"@type": "MessageCard", "text": "notify done"}
    assert bodies["/d"] == {"content": "notify done", "tts": False}
    assert bodies["/g"] == {"text": "notify done"}


def test_telegram_calls_send_message_with_the_bot_token(server: Server, run_flow: RunFlow) -> None:
    server.route("/bot123:ABC/sendMessage", Reply(200, b'{"ok": true, "result": {}}'))
    finished = run_flow(
        flow_of(
            {
                "id": "tg",
                "type": N + "telegram.TelegramSend",
                "token": "123:ABC",
                "channel": "@alerts",
                "payload": "<b>{{ flow.id }}</b> failed",
                "parseMode": "HTML",
                "endpointOverride": server.url,
            },
        )
    )
    assert finished.execution.state.current.value == "SUCCESS"
    (request,) = server.received
    assert request.path == "/bot123:ABC/sendMessage"
    assert json.loads(request.body) == {
        "chat_id": "@alerts",
        "text": "<b>notify</b> failed",
        "parse_mode": "HTML",
    }


def test_telegram_not_ok_fails(server: Server, run_flow: RunFlow) -> None:
    server.route("/botbad/sendMessage", Reply(200, b'{"ok": false}'))
    finished = run_flow(
        flow_of(
            {
                "id": "tg",
                "type": N + "telegram.TelegramSend",
                "token": "bad",
                "channel": "1",
                "payload": "x",
                "endpointOverride": server.url,
            }
        )
    )
    assert states(finished) == {"tg": "FAILED"}
    assert "Unable to send Telegram message" in "\n".join(messages(finished, "tg"))


def test_opsgenie_sends_its_key_and_pagerduty_zenduty_their_events(
    server: Server, run_flow: RunFlow
) -> None:
    opsgenie, pagerduty, zenduty = (server.route(f"/{n}", OK) for n in ("o", "p", "z"))
    event = '{"routing_key": "R1", "event_action": "trigger", "payload": {"summary": "s", "source": "k", "severity": "error"}}'  # noqa: E501
    run_flow(
        flow_of(
            {
                "id": "o",
                "type": N + "opsgenie.OpsgenieAlert",
                "url": opsgenie,
                "authorizationToken": "GenieKey k-1",
                "payload": '{"message": "m"}',
            },
            {"id": "p", "type": N + "pagerduty.PagerDutyAlert", "url": pagerduty, "payload": event},
            {
                "id": "z",
                "type": N + "zenduty.ZendutyAlert",
                "url": zenduty,
                "payload": '{"alert_type": "critical", "message": "m", "summary": "s"}',
            },
        )
    )
    received = {r.path: r for r in server.received}
    assert received["/o"].headers["authorization"] == "GenieKey k-1"
    assert json.loads(received["/o"].body) == {"message": "m"}
    assert json.loads(received["/p"].body)["payload"]["severity"] == "error"
    assert json.loads(received["/z"].body)["alert_type"] == "critical"


def test_sentry_builds_the_envelope_endpoint_from_the_dsn(
    server: Server, run_flow: RunFlow
) -> None:
    server.route("/api/42/envelope/", OK)
    host = server.url.removeprefix("http://")
    run_flow(
        flow_of({"id": "s", "type": N + "sentry.SentryAlert", "dsn": f"http://abc123@{host}/42"})
    )
    (request,) = server.received
    assert request.path == "/api/42/envelope/?sentry_version=7&sentry_client=java&sentry_key=abc123"
    header, item, event, tail = request.body.decode().split("\n")
    assert tail == ""
    assert json.loads(header)["dsn"] == f"http://abc123@{host}/42"
    assert json.loads(item) == {
        "type": "event",
        "length": len(event.encode()),
        "content_type": "application/json",
        "filename": "application.log",
    }
    body = json.loads(event)
    assert body["level"] == "error" and body["platform"] == "java"
    assert body["message"]["message"].startswith("Execution ")
    assert body["extra"]["Flow ID"] == "notify"


def test_invalid_json_payload_is_one_clear_line(server: Server, run_flow: RunFlow) -> None:
    url = server.route("/hook", OK)
    finished = run_flow(
        flow_of(
            {
                "id": "slack",
                "type": N + "slack.SlackIncomingWebhook",
                "url": url,
                "payload": "{not json",
            }
        )
    )
    assert states(finished) == {"slack": "FAILED"}
    logs = messages(finished, "slack")
    assert any(line.startswith("Slack: the payload is not valid JSON") for line in logs)
    assert server.received == []


def test_options_proxy_carries_the_request(server: Server, run_flow: RunFlow) -> None:
    # The recording server plays the HTTP proxy: it receives the request in absolute form.
    server.route("http://hooks.example.invalid/services/T/B/X", OK)
    host, port = server.url.removeprefix("http://").split(":")
    finished = run_flow(
        flow_of({"id": "slack", "type": "io.kestra.plugin.slack.notifications.SlackIncomingWebhook",
                 "url": "http://hooks.example.invalid/services/T/B/X", "messageText": "via proxy",
                 "options": {"proxy": {"type": "HTTP", "address": host, "port": int(port)}}})
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (request,) = server.received
    assert request.path == "http://hooks.example.invalid/services/T/B/X"
    assert json.loads(request.body) == {"text": "via proxy"}
