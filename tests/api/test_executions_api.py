"""Executions over HTTP: create with inputs and files, wait, read, search, logs, follow, kill,
restart, resume, webhooks, concurrency; and the refusals, each a 4xx with a JSON body."""

import itertools
import json
import time
from datetime import UTC, datetime

import httpx
import pytest
from kestra import Flow  # Kestra's own client from PyPI, unchanged
from sqlalchemy import func, insert, select, update
from tests.api.conftest import LiveServer

from tiercel.model.task import LogLevel
from tiercel.storage.records import LogEntry
from tiercel.storage.sql.logs import _stored_row
from tiercel.storage.sql.schema import log_entries

GREET = """\
id: greet
namespace: company.team
inputs:
  - id: name
    type: STRING
  - id: count
    type: INT
    defaults: 1
  - id: data
    type: FILE
    required: false
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ inputs.name }} x{{ inputs.count }}"
  - id: size
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.data is defined and inputs.data != null ? read(inputs.data) : 'none' }}"
outputs:
  - id: got
    type: STRING
    value: "{{ outputs.size.value }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: s3cret
    wait: true
    returnOutputs: true
    inputs:
      name: "{{ trigger.body.who }}"
"""

SLEEPY = """\
id: sleepy
namespace: company.team
concurrency:
  limit: 1
  behavior: {behavior}
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
"""

PAUSING = """\
id: pausing
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOLEAN
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "approved={{ outputs.wait.onResume.approved }}"
"""

BASE = "/api/v1/main/executions"


def test_create_with_multipart_inputs_and_a_file_then_wait(live: LiveServer) -> None:
    live.deploy(GREET)
    response = live.client.post(
        f"{BASE}/company.team/greet",
        params={"wait": True, "labels": ["team:data", "env:test"]},
        data={"name": "ada", "count": "3"},
        files={"data": ("data.txt", b"file body", "text/plain")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"]["current"] == "SUCCESS"
    assert body["inputs"]["count"] == 3
    assert body["inputs"]["data"].startswith("kestra:///company/team/greet/executions/")
    assert body["outputs"] == {"got": "file body"}
    assert {"key": "team", "value": "data"} in body["labels"]
    assert [run["taskId"] for run in body["taskRunList"]] == ["say", "size"]

    logs = live.client.get(f"/api/v1/logs/{body['id']}").json()
    assert "hello ada x3" in [line["message"] for line in logs]
    text = live.client.get(f"/api/v1/main/logs/{body['id']}/download").text
    assert "hello ada x3" in text

    found = live.client.get(
        f"{BASE}/search", params={"namespace": "company.team", "state": "SUCCESS"}
    ).json()
    assert found["total"] == 1 and found["results"][0]["id"] == body["id"]


def test_bad_inputs_unknown_flows_and_oversized_uploads_are_4xx(live: LiveServer) -> None:
    live.deploy(GREET)
    wrong = live.client.post(f"{BASE}/company.team/greet", data={"name": "x", "count": "many"})
    assert wrong.status_code == 422
    assert "count" in wrong.json()["message"]
    missing = live.client.post(f"{BASE}/company.team/greet", data={})
    assert missing.status_code == 422 and "name" in missing.json()["message"]
    unknown = live.client.post(f"{BASE}/company.team/nope")
    assert unknown.status_code == 404 and "not found" in unknown.json()["message"]
    assert live.client.get(f"{BASE}/doesnotexist").status_code == 404
    live.server.app.state.ctx.max_upload_bytes = 1000
    huge = live.client.post(
        f"{BASE}/company.team/greet",
        data={"name": "big"},
        files={"data": ("big.bin", b"x" * 5000, "application/octet-stream")},
    )
    assert huge.status_code == 413 and "1000 bytes" in huge.json()["message"]
    live.server.app.state.ctx.max_upload_bytes = 100 * 1024 * 1024
    labels = live.client.post(f"{BASE}/company.team/greet", params={"labels": "novalue"})
    assert labels.status_code == 422 and "key:value" in labels.json()["message"]


def test_webhook_waits_and_returns_outputs_and_a_wrong_key_is_404(live: LiveServer) -> None:
    live.deploy(GREET)
    response = live.client.post(
        "/api/v1/executions/webhook/company.team/greet/s3cret", json={"who": "grace"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"got": "none"}
    logs = live.client.get(
        f"{BASE}/search", params={"namespace": "company.team", "flowId": "greet"}
    ).json()
    execution = logs["results"][0]
    assert execution["trigger"]["variables"]["body"] == {"who": "grace"}
    assert execution["inputs"]["name"] == "grace"
    wrong = live.client.post("/api/v1/executions/webhook/company.team/greet/wrong")
    assert wrong.status_code == 404 and wrong.json()["message"] == "Webhook not found"


def test_kill_a_running_execution_then_a_second_kill_is_409(live: LiveServer) -> None:
    live.deploy(SLEEPY.format(behavior="QUEUE").replace("PT0.3S", "PT30S"))
    created = live.client.post(f"{BASE}/company.team/sleepy").json()
    _wait_state(live, created["id"], "RUNNING")
    running = live.client.delete(f"{BASE}/{created['id']}")
    assert running.status_code == 409 and "kill it first" in running.json()["message"]
    assert live.client.post(f"{BASE}/{created['id']}/kill").status_code == 202
    ended = live.wait_ended(created["id"])
    assert ended["state"]["current"] == "KILLED"
    again = live.client.post(f"{BASE}/{created['id']}/kill")
    assert again.status_code == 409 and "already ended" in again.json()["message"]
    assert live.client.delete(f"{BASE}/{created['id']}").status_code == 204
    gone = live.client.delete(f"{BASE}/{created['id']}")
    assert gone.status_code == 404 and "not found" in gone.json()["message"]


def test_resume_with_inputs_then_restart_is_refused_while_running(live: LiveServer) -> None:
    live.deploy(PAUSING)
    created = live.client.post(f"{BASE}/company.team/pausing").json()
    _wait_state(live, created["id"], "PAUSED")
    refused = live.client.post(f"{BASE}/{created['id']}/resume", data={"approved": "maybe"})
    assert refused.status_code == 409 and "approved" in refused.json()["message"]
    resumed = live.client.post(f"{BASE}/{created['id']}/resume", data={"approved": "true"})
    assert resumed.status_code == 204
    ended = live.wait_ended(created["id"])
    assert ended["state"]["current"] == "SUCCESS"
    logs = live.client.get(f"/api/v1/logs/{created['id']}").json()
    assert "approved=true" in [line["message"] for line in logs]


def test_concurrency_limit_queues_and_never_exceeds(live: LiveServer) -> None:
    live.deploy(SLEEPY.format(behavior="QUEUE"))
    ids = [live.client.post(f"{BASE}/company.team/sleepy").json()["id"] for _ in range(3)]
    first = live.client.get(f"{BASE}/{ids[1]}").json()
    assert first["state"]["current"] == "QUEUED"
    ended = [live.wait_ended(execution_id) for execution_id in ids]
    assert [e["state"]["current"] for e in ended] == ["SUCCESS"] * 3
    spans = sorted(
        (e["state"]["histories"][-2]["date"], e["state"]["endDate"]) for e in ended
    )  # RUNNING .. end
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "two executions ran at once"
    states = [h["state"] for h in ended[2]["state"]["histories"]]
    assert states == ["CREATED", "QUEUED", "RUNNING", "SUCCESS"]


def test_concurrency_cancel_and_fail(live: LiveServer) -> None:
    for behavior, state in (("CANCEL", "CANCELLED"), ("FAIL", "FAILED")):
        flow = SLEEPY.format(behavior=behavior).replace("id: sleepy", f"id: s_{behavior}")
        live.deploy(flow)
        first = live.client.post(f"{BASE}/company.team/s_{behavior}").json()
        second = live.client.post(f"{BASE}/company.team/s_{behavior}").json()
        assert second["state"]["current"] == state
        assert live.wait_ended(first["id"])["state"]["current"] == "SUCCESS"


def test_follow_streams_the_execution_until_it_ends(live: LiveServer) -> None:
    # Three seconds: still running when the follow begins, however busy the machine.
    live.deploy(SLEEPY.format(behavior="QUEUE").replace("PT0.3S", "PT3S"))
    created = live.client.post(f"{BASE}/company.team/sleepy").json()
    seen = []
    with httpx.stream("GET", f"{live.url}{BASE}/{created['id']}/follow", timeout=20) as stream:
        event = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "message":
                seen.append(json.loads(line[6:])["state"]["current"])
            elif event == "end":
                break
    assert seen[-1] == "SUCCESS"
    assert "RUNNING" in seen


def _wait_state(live: LiveServer, execution_id: str, state: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body = live.client.get(f"{BASE}/{execution_id}").json()
        if body["state"]["current"] == state:
            return
        time.sleep(0.05)
    raise AssertionError(f"{execution_id} never reached {state}")


def test_kestras_own_python_client_executes_and_waits(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    live.deploy(GREET)
    monkeypatch.setenv("KESTRA_HOSTNAME", live.url)
    client = Flow(wait_for_completion=True, poll_interval=0.1)
    result = client.execute("company.team", "greet", {"name": "linus", "count": 2})
    assert result.status == "SUCCESS"
    assert "hello linus x2" in result.log


def test_log_follow_sends_each_line_once_even_one_committed_late(live: LiveServer) -> None:
    live.deploy(PAUSING)
    created = live.client.post(f"{BASE}/company.team/pausing").json()
    _wait_state(live, created["id"], "PAUSED")
    store = live.server.services.logs
    now = datetime.now(UTC)

    def line(message: str) -> LogEntry:
        return LogEntry("company.team", "pausing", now, LogLevel.INFO, message, None, created["id"])

    store.append([line(f"early {n}") for n in range(3)])
    messages: list[str] = []
    url = f"{live.url}/api/v1/main/logs/{created['id']}/follow"
    with httpx.stream("GET", url, timeout=20) as stream:
        event = None
        for text in stream.iter_lines():
            if text.startswith("event: "):
                event = text[7:]
            elif text.startswith("data: ") and event == "message":
                messages.append(json.loads(text[6:])["message"])
                if messages[-1] == "early 2":
                    # Another process's line commits now, ordered before the last line sent,
                    # as PostgreSQL's sequences allow: it takes "early 2"'s place in the order,
                    # and "early 2" moves after it.
                    with store._db.write() as conn:
                        place = conn.execute(
                            select(log_entries.c.id).where(log_entries.c.message == "early 2")
                        ).scalar_one()
                        top = conn.execute(select(func.max(log_entries.c.id))).scalar_one()
                        conn.execute(
                            update(log_entries).where(log_entries.c.id == place).values(id=top + 1)
                        )
                        late = line("late")
                        # The stored values, its time as the column type takes it.
                        values = {**_stored_row(late), "timestamp": late.timestamp, "id": place}
                        conn.execute(insert(log_entries).values(**values))
                    live.client.post(f"{BASE}/{created['id']}/resume", data={"approved": "true"})
            elif event == "end":
                break
    assert messages.count("late") == 1
    assert all(messages.count(m) == 1 for m in messages), messages
    assert messages[-1] == "approved=true"
