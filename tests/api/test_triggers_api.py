"""Triggers over HTTP: search with Kestra's trigger context fields, switch off and on (one, by
list, by query), unlock, and a Schedule backfill started, paused, resumed and deleted; and the
refusals (unknown trigger, realtime trigger, no backfill, not locked, bad body) as 4xx JSON."""

from dataclasses import replace
from pathlib import Path

from tests.api.conftest import LiveServer

TRIGGERS = "/api/v1/main/triggers"

# Once a year, and backfills between two of its dates: nothing fires while the test runs.
SCHEDULED = """\
id: scheduled
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: tick
triggers:
  - id: yearly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 1 1 *"
    stopAfter: [FAILED]
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: abc
"""

WATCHING = """\
id: watching
namespace: company.other
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: file
triggers:
  - id: files
    type: io.kestra.plugin.fs.local.RealtimeTrigger
    from: {folder}
"""

YEARLY = {"namespace": "company.team", "flowId": "scheduled", "triggerId": "yearly"}


def test_search_lists_trigger_contexts_with_their_definition(live: LiveServer) -> None:
    live.deploy(SCHEDULED)
    found = live.client.get(f"{TRIGGERS}/search", params={"namespace": "company"})
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["total"] == 2
    by_id = {r["triggerContext"]["triggerId"]: r for r in body["results"]}
    context = by_id["yearly"]["triggerContext"]
    assert {k: context[k] for k in ("namespace", "flowId", "triggerId", "disabled")} == {
        **YEARLY,
        "disabled": False,
    }
    assert {"date", "nextExecutionDate", "executionId", "backfill"} <= set(context)
    assert context["stopAfter"] == ["FAILED"]
    assert by_id["yearly"]["abstractTrigger"]["cron"] == "0 0 1 1 *"
    assert by_id["hook"]["abstractTrigger"]["type"] == "io.kestra.plugin.core.trigger.Webhook"

    paged = live.client.get(f"{TRIGGERS}/search", params={"q": "year", "size": 1}).json()
    assert paged["total"] == 1 and paged["results"][0]["triggerContext"]["triggerId"] == "yearly"
    assert live.client.get(f"{TRIGGERS}/search", params={"namespace": "elsewhere"}).json() == {
        "results": [],
        "total": 0,
    }
    of_flow = live.client.get(f"{TRIGGERS}/company.team/scheduled").json()
    assert [r["triggerId"] for r in of_flow["results"]] == ["hook", "yearly"]


def test_switch_off_and_on_one_by_list_and_by_query(live: LiveServer) -> None:
    live.deploy(SCHEDULED)
    off = live.client.put(TRIGGERS, json={**YEARLY, "disabled": True})
    assert off.status_code == 200, off.text
    assert off.json()["disabled"] is True
    record = live.server.services.triggers.get("company.team", "scheduled", "yearly")
    assert record is not None and record.disabled

    on = live.client.put(TRIGGERS, json={**YEARLY, "disabled": False})
    assert on.json()["disabled"] is False

    bulk = live.client.post(
        f"{TRIGGERS}/set-disabled/by-triggers", json={"triggers": [YEARLY], "disabled": True}
    )
    assert bulk.status_code == 200 and bulk.json() == {"count": 1}
    assert live.server.services.triggers.get("company.team", "scheduled", "yearly").disabled

    query = live.client.post(
        f"{TRIGGERS}/set-disabled/by-query", params={"namespace": "company", "disabled": False}
    )
    assert query.json() == {"count": 2}
    records = live.server.services.triggers.find(namespace="company.team")
    assert not any(r.disabled for r in records)

    # A webhook whose trigger is off does not start executions.
    hook = {**YEARLY, "triggerId": "hook", "disabled": True}
    assert live.client.put(TRIGGERS, json=hook).status_code == 200
    webhook = live.client.post("/api/v1/main/executions/webhook/company.team/scheduled/abc")
    assert webhook.status_code == 404


def test_unlock_a_trigger_waiting_for_an_execution(live: LiveServer) -> None:
    live.deploy(SCHEDULED)
    store = live.server.services.triggers
    record = store.get("company.team", "scheduled", "yearly")
    assert record is not None
    store.save(replace(record, execution_id="running-one"))

    unlocked = live.client.post(f"{TRIGGERS}/company.team/scheduled/yearly/unlock")
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["executionId"] is None
    assert store.get("company.team", "scheduled", "yearly").execution_id is None

    again = live.client.post(f"{TRIGGERS}/company.team/scheduled/yearly/unlock")
    assert again.status_code == 409 and "not locked" in again.json()["message"]
    unknown = live.client.post(f"{TRIGGERS}/company.team/scheduled/nope/unlock")
    assert unknown.status_code == 404 and "not found" in unknown.json()["message"]

    store.save(replace(record, execution_id="another"))
    bulk = live.client.post(f"{TRIGGERS}/unlock/by-triggers", json=[YEARLY, YEARLY])
    assert bulk.json() == {"count": 1}  # the second is no longer locked: skipped


def test_backfill_start_pause_unpause_delete(live: LiveServer) -> None:
    live.deploy(SCHEDULED)
    backfill = {
        "start": "2024-03-01T00:00:00Z",
        "end": "2024-03-02T00:00:00Z",
        "inputs": {"a": 1},
        "labels": [{"key": "why", "value": "backfill"}],
    }
    started = live.client.put(TRIGGERS, json={**YEARLY, "backfill": backfill})
    assert started.status_code == 200, started.text
    state = started.json()["backfill"]
    assert state["start"] == "2024-03-01T00:00:00Z" and state["paused"] is False
    assert state["labels"] == [{"key": "why", "value": "backfill"}]

    twice = live.client.put(TRIGGERS, json={**YEARLY, "backfill": backfill})
    assert twice.status_code == 400 and "already has a backfill" in twice.json()["message"]

    paused = live.client.put(f"{TRIGGERS}/backfill/pause", json=YEARLY)
    assert paused.status_code == 200 and paused.json()["backfill"]["paused"] is True
    resumed = live.client.put(f"{TRIGGERS}/backfill/unpause", json=YEARLY)
    assert resumed.json()["backfill"]["paused"] is False
    bulk_pause = live.client.post(f"{TRIGGERS}/backfill/pause/by-query", params={"q": "yearly"})
    assert bulk_pause.json() == {"count": 1}

    deleted = live.client.post(f"{TRIGGERS}/backfill/delete", json=YEARLY)
    assert deleted.status_code == 200 and deleted.json()["backfill"] is None
    none_left = live.client.post(f"{TRIGGERS}/backfill/delete", json=YEARLY)
    assert none_left.status_code == 400 and "no backfill" in none_left.json()["message"]
    bulk = live.client.post(f"{TRIGGERS}/backfill/unpause/by-triggers", json=[YEARLY])
    assert bulk.json() == {"count": 0}


def test_refusals_are_4xx_json(live: LiveServer, tmp_path: Path) -> None:
    live.deploy(SCHEDULED)
    live.deploy(WATCHING.format(folder=tmp_path))
    no_flow = live.client.put(TRIGGERS, json={**YEARLY, "flowId": "nope", "disabled": True})
    assert no_flow.status_code == 404 and "not found" in no_flow.json()["message"]
    no_trigger = live.client.put(TRIGGERS, json={**YEARLY, "triggerId": "nope", "disabled": True})
    assert no_trigger.status_code == 404 and "has no trigger nope" in no_trigger.json()["message"]
    realtime = {"namespace": "company.other", "flowId": "watching", "triggerId": "files"}
    refused = live.client.put(TRIGGERS, json={**realtime, "disabled": True})
    assert refused.status_code == 422 and "Realtime" in refused.json()["message"]
    nothing = live.client.put(TRIGGERS, json=YEARLY)
    assert nothing.status_code == 422 and "disabled" in nothing.json()["message"]
    webhook_backfill = live.client.put(
        TRIGGERS,
        json={**YEARLY, "triggerId": "hook", "backfill": {"start": "2024-01-01T00:00:00Z"}},
    )
    assert webhook_backfill.status_code == 400 and "Schedule" in webhook_backfill.json()["message"]
    naive = live.client.put(TRIGGERS, json={**YEARLY, "backfill": {"start": "2024-01-01T00:00:00"}})
    assert naive.status_code == 400 and "time zone" in naive.json()["message"]
    future = live.client.put(
        TRIGGERS, json={**YEARLY, "backfill": {"start": "2999-01-01T00:00:00Z"}}
    )
    assert future.status_code == 400 and "past" in future.json()["message"]
    missing = live.client.put(TRIGGERS, json={"namespace": "company.team"})
    assert missing.status_code == 422 and missing.json()["_embedded"]["errors"]
    empty = live.client.post(
        f"{TRIGGERS}/set-disabled/by-triggers", json={"triggers": [], "disabled": True}
    )
    assert empty.status_code == 422
    no_record = live.client.put(f"{TRIGGERS}/backfill/pause", json={**YEARLY, "flowId": "x"})
    assert no_record.status_code == 404
