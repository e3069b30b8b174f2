"""The routes the web UI needs, over HTTP against a live server: configs and the UI's auth,
statistics, execution files, bulk actions, namespaces and the flow graph; hostile input
included (each refusal a 4xx with a JSON message, never a 5xx)."""

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from tests.api.conftest import TOKEN, USERS, LiveServer

API = "/api/v1/main"

FILES = """\
id: files
namespace: company.team
tasks:
  - id: csv
    type: io.kestra.plugin.core.storage.Write
    content: "name,n\\nada,1\\ngrace,2\\n"
    extension: .csv
  - id: ion
    type: io.kestra.plugin.core.storage.Write
    content: |
      {name:"ada",n:1,d:1.50}
      {name:"grace",n:2,d:nan}
      {name:"linus",n:3}
    extension: .ion
  - id: png
    type: io.kestra.plugin.core.storage.Write
    content: "not really a png"
    extension: .png
"""

QUICK = """\
id: quick
namespace: company.team.sub
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

FAILING = """\
id: failing
namespace: company.team
tasks:
  - id: boom
    type: io.kestra.plugin.core.execution.Fail
"""

SLOW = """\
id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT60S
"""

GRAPH = """\
id: shapes
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: a
  - id: par
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: p1
        type: io.kestra.plugin.core.log.Log
        message: b
      - id: p2
        type: io.kestra.plugin.core.log.Log
        message: c
  - id: choose
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ 'x' }}"
    cases:
      x:
        - id: cx
          type: io.kestra.plugin.core.log.Log
          message: x
    defaults:
      - id: cd
        type: io.kestra.plugin.core.log.Log
        message: d
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: d1
          type: io.kestra.plugin.core.log.Log
          message: d1
      - task:
          id: d2
          type: io.kestra.plugin.core.log.Log
          message: d2
        dependsOn: [d1]
errors:
  - id: oops
    type: io.kestra.plugin.core.log.Log
    message: e
finally:
  - id: last
    type: io.kestra.plugin.core.log.Log
    message: f
triggers:
  - id: every
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 1 1 *"
"""


def _run(live: LiveServer, namespace: str, flow_id: str) -> dict[str, Any]:
    response = live.client.post(f"{API}/executions/{namespace}/{flow_id}?wait=true")
    assert response.status_code == 200, response.text
    return live.wait_ended(response.json()["id"])


def _refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["message"], response.json()


def test_configs_need_no_credentials(secured: LiveServer) -> None:
    client = secured.client
    for prefix in ("/api/v1", API):
        body = client.get(f"{prefix}/configs").json()
        assert body["authRequired"] is True and body["isBasicAuthEnabled"] is True
        assert body["version"] and body["preview"] == {"initial": 100, "max": 5000}
    assert client.get(f"{API}/flows/search").status_code == 401
    assert client.get(f"{API}/configsx").status_code == 401
    user, password = next(iter(USERS.items()))
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    signed = {"Authorization": f"Basic {basic}"}
    assert client.get(f"{API}/flows/search", headers=signed).status_code == 200
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get(f"{API}/namespaces/search", headers=bearer).status_code == 200


def test_configs_without_auth(live: LiveServer) -> None:
    assert live.client.get(f"{API}/configs").json()["authRequired"] is False


def test_daily_statistics_by_state_in_every_bucket(live: LiveServer) -> None:
    live.deploy(QUICK)
    live.deploy(FAILING)
    for _ in range(2):
        _run(live, "company.team.sub", "quick")
    _run(live, "company.team", "failing")
    now = datetime.now(UTC)
    body = {
        "startDate": (now - timedelta(hours=3)).isoformat(),
        "endDate": (now + timedelta(hours=1)).isoformat(),
        "groupBy": "HOUR",
    }
    stats = live.client.post(f"{API}/stats/executions/daily", json=body)
    assert stats.status_code == 200, stats.text
    buckets = stats.json()
    assert len(buckets) in (4, 5) and all(b["groupBy"] == "hour" for b in buckets)
    assert sum(b["executionCounts"]["SUCCESS"] for b in buckets) == 2
    assert sum(b["executionCounts"]["FAILED"] for b in buckets) == 1
    assert set(buckets[0]["executionCounts"]) >= {"CREATED", "RUNNING", "KILLED", "QUEUED"}
    busy = next(b for b in buckets if b["duration"]["count"])
    assert busy["duration"]["sum"].startswith("PT") and busy["startDate"].endswith(":00:00Z")
    only = dict(body, namespace="company.team", flowId="failing")
    counted = live.client.post(f"{API}/stats/executions/daily", json=only).json()
    assert sum(sum(b["executionCounts"].values()) for b in counted) == 1
    # Without dates: the last 30 days, by day.
    default = live.client.post(f"{API}/stats/executions/daily", json={}).json()
    assert len(default) in (30, 31) and default[-1]["groupBy"] == "day"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"startDate": "2026-01-02T00:00:00Z", "endDate": "2026-01-01T00:00:00Z"}, "after"),
        ({"startDate": "2000-01-01T00:00:00Z", "groupBy": "MINUTE"}, "over the limit"),
        ({"startDate": "yesterday"}, "Invalid request"),
        ({"groupBy": "FORTNIGHT"}, "Invalid request"),
        ({"startDate": "0001-01-01T00:00:00Z"}, "before 1970"),
        ({"endDate": "0001-01-02T00:00:00Z"}, "no 30 days"),
        ({"endDate": "0001-02-02T00:00:00+14:00"}, "before 1970"),
        ([1, 2], "Invalid request"),
        ({"endDate": "9999-12-31T23:59:59Z", "startDate": "1970-01-01T00:00:00Z"}, "limit"),
    ],
)
def test_statistics_refusals(live: LiveServer, body: Any, words: str) -> None:
    _refused(live.client.post(f"{API}/stats/executions/daily", json=body), 422, words)


def test_execution_files_download_size_and_preview(live: LiveServer) -> None:
    live.deploy(FILES)
    execution = _run(live, "company.team", "files")
    assert execution["state"]["current"] == "SUCCESS", execution
    uris = {run["taskId"]: run["outputs"]["uri"] for run in execution["taskRunList"]}
    base = f"{API}/executions/{execution['id']}/file"
    csv = uris["csv"]
    download = live.client.get(base, params={"path": csv})
    assert download.status_code == 200 and download.content == b"name,n\nada,1\ngrace,2\n"
    assert "attachment" in download.headers["content-disposition"]
    assert csv.rsplit("/", 1)[1] in download.headers["content-disposition"]
    assert live.client.get(f"{base}/metas", params={"path": csv}).json() == {"size": 21}
    text = live.client.get(f"{base}/preview", params={"path": csv, "maxRows": 2}).json()
    assert text == {
        "extension": "csv",
        "type": "TEXT",
        "content": "name,n\nada,1",
        "maxLine": 2,
        "truncated": True,
    }
    rows = live.client.get(f"{base}/preview", params={"path": uris["ion"]}).json()
    assert rows["type"] == "LIST" and rows["truncated"] is False
    assert rows["content"] == [
        {"name": "ada", "n": 1, "d": 1.5},
        {"name": "grace", "n": 2, "d": "nan"},
        {"name": "linus", "n": 3},
    ]
    image = live.client.get(f"{base}/preview", params={"path": uris["png"]}).json()
    assert image["type"] == "IMAGE"
    assert base64.b64decode(image["content"]) == b"not really a png"
    latin = live.client.get(f"{base}/preview", params={"path": csv, "encoding": "ISO-8859-1"})
    assert latin.status_code == 200
    capped = live.client.get(f"{base}/preview", params={"path": csv, "maxRows": 10**9})
    assert capped.json()["maxLine"] == 5000


def test_execution_files_refuse_what_is_not_theirs(live: LiveServer) -> None:
    live.deploy(FILES)
    first = _run(live, "company.team", "files")
    second = _run(live, "company.team", "files")
    theirs = second["taskRunList"][0]["outputs"]["uri"]
    mine = first["taskRunList"][0]["outputs"]["uri"]
    base = f"{API}/executions/{first['id']}/file"
    prefix = mine.split("/executions/")[0]
    hostile = {
        theirs: "belongs to execution",
        "kestra:///company/team/_files/secret.txt": "is not a file of execution",
        "kestra:///other/flow/executions/x/a.txt": "is not a file of execution",
        mine.replace("/tasks/", "/tasks/../../"): "",
        "kestra:///../../etc/passwd": "",
        "file:///etc/passwd": "not a storage URI",
        "/etc/passwd": "not a storage URI",
        "kestra:///a/%2e%2e/%2e%2e/etc/passwd": "",
        "kestra:///a/b\x00c": "",
        "x" * 5000: "",
    }
    for path, words in hostile.items():
        for route in ("", "/metas", "/preview"):
            response = live.client.get(base + route, params={"path": path})
            assert response.status_code in (404, 422), (path, route, response.text)
            assert words in response.json()["message"], (path, response.json())
    missing = live.client.get(base, params={"path": prefix + f"/executions/{first['id']}/no.txt"})
    _refused(missing, 404, "not found")
    _refused(live.client.get(f"{API}/executions/nope/file", params={"path": mine}), 404, "nope")
    assert live.client.get(base).status_code == 422  # no path at all
    bad = live.client.get(f"{base}/preview", params={"path": mine, "encoding": "klingon"})
    _refused(bad, 422, "encoding")
    _refused(live.client.get(f"{base}/preview", params={"path": mine, "maxRows": 0}), 422, "")


def test_bulk_actions_by_ids_and_by_query(live: LiveServer) -> None:
    live.deploy(QUICK)
    live.deploy(FAILING)
    live.deploy(SLOW)
    done = [_run(live, "company.team.sub", "quick")["id"] for _ in range(2)]
    failed = _run(live, "company.team", "failing")["id"]
    running = live.client.post(f"{API}/executions/company.team/slow").json()["id"]
    # One refused id refuses the whole request, naming it; nothing is done.
    refused = live.client.request("DELETE", f"{API}/executions/by-ids", json=[*done, running])
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == "invalid bulk delete"
    assert [i["invalidValue"] for i in refused.json()["invalids"]] == [running]
    assert refused.json()["_embedded"]["errors"][0]["path"] == "executionsId[2]"
    assert live.client.get(f"{API}/executions/{done[0]}").status_code == 200
    unknown = live.client.post(f"{API}/executions/kill/by-ids", json=["nope", running])
    assert unknown.status_code == 400 and "not found" in unknown.text
    # Kill the running one, restart the failed one, replay by query, delete by query.
    killed = live.client.post(f"{API}/executions/kill/by-ids", json=[running])
    assert killed.json() == {"count": 1}
    assert live.wait_ended(running)["state"]["current"] == "KILLED"
    restarted = live.client.post(f"{API}/executions/restart/by-ids", json=[failed])
    assert restarted.json() == {"count": 1}
    query = {"namespace": "company.team.sub", "flowId": "quick"}
    replayed = live.client.post(f"{API}/executions/replay/by-query", params=query)
    assert replayed.json() == {"count": 2}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = live.client.get(f"{API}/executions/search", params={**query, "size": 50}).json()
        if found["total"] == 4 and all(
            e["state"]["current"] == "SUCCESS" for e in found["results"]
        ):
            break
        time.sleep(0.1)
    assert found["total"] == 4
    assert all(len(e["taskRunList"]) == 1 for e in found["results"])
    bare = live.client.get(f"{API}/executions/search", params={**query, "taskRuns": "false"})
    assert [e["id"] for e in bare.json()["results"]] == [e["id"] for e in found["results"]]
    assert all("taskRunList" not in e for e in bare.json()["results"])
    deleted = live.client.request(
        "DELETE", f"{API}/executions/by-query", params={**query, "state": "SUCCESS"}
    )
    assert deleted.json() == {"count": 4}
    assert live.client.get(f"{API}/executions/{done[0]}").status_code == 404
    assert live.client.get(f"{API}/executions/search", params=query).json()["total"] == 0


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("DELETE", "/executions/by-ids", {"json": {"not": "a list"}}),
        (
            "POST",
            "/executions/kill/by-ids",
            {"content": b"[1, 2", "headers": {"content-type": "application/json"}},
        ),
        ("POST", "/executions/restart/by-ids", {"json": [["nested"]]}),
        ("POST", "/executions/replay/by-query", {"params": {"startDate": "soon"}}),
        ("POST", "/executions/kill/by-query", {"params": {"state": "SLEEPING"}}),
        ("POST", "/executions/kill/by-query", {"params": {"labels": "nocolon"}}),
        (
            "DELETE",
            "/executions/by-query",
            {"params": {"startDate": "2026-02-01T00:00:00Z", "endDate": "2026-01-01T00:00:00Z"}},
        ),
    ],
)
def test_bulk_refusals(live: LiveServer, method: str, path: str, kwargs: dict[str, Any]) -> None:
    response = live.client.request(method, API + path, **kwargs)
    assert response.status_code == 422, response.text
    assert response.json()["message"]


def test_namespaces_list_parents_and_page(live: LiveServer) -> None:
    live.deploy(QUICK)
    live.deploy(FAILING)
    found = live.client.get(f"{API}/namespaces/search", params={"size": 50}).json()
    assert [n["id"] for n in found["results"]] == [
        "company",
        "company.team",
        "company.team.sub",
        "system",
    ]
    assert found["total"] == 4
    page = live.client.get(
        f"{API}/namespaces/search", params={"q": "TEAM", "size": 1, "page": 2, "sort": "id:desc"}
    ).json()
    assert page == {"results": [{"id": "company.team", "disabled": True}], "total": 2}
    assert live.client.get(f"{API}/namespaces/company.team").json() == {
        "id": "company.team",
        "deleted": False,
    }
    for bad in ("Bad NS", "a..b", "%00"):
        response = live.client.get(f"{API}/namespaces/{quote(bad)}")
        assert response.status_code == 422, response.text
    _refused(live.client.get(f"{API}/namespaces/search", params={"sort": "x:up"}), 422, "sort")
    huge = live.client.get(f"{API}/namespaces/search", params={"page": 10**18})
    assert huge.status_code == 200 and huge.json()["results"] == []


def _node(graph: dict[str, Any], uid: str) -> dict[str, Any]:
    return next(n for n in graph["nodes"] if n["uid"] == uid)


def _edges(graph: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    return {e["target"]: e["relation"] for e in graph["edges"] if e["source"] == source}


def test_flow_graph_of_a_deployed_flow_and_of_yaml(live: LiveServer) -> None:
    live.deploy(GRAPH)
    graph = live.client.get(f"{API}/flows/company.team/shapes/graph").json()
    uids = {n["uid"] for n in graph["nodes"]}
    assert len(uids) == len(graph["nodes"])
    for edge in graph["edges"]:
        assert edge["source"] in uids and edge["target"] in uids, edge
    assert _node(graph, "root.first")["task"]["message"] == "a"
    assert _node(graph, "root.par")["relationType"] == "PARALLEL"
    assert _edges(graph, "root.par") == {
        "root.par.p1": {"relationType": "PARALLEL"},
        "root.par.p2": {"relationType": "PARALLEL"},
    }
    choices = _edges(graph, "root.choose")
    assert choices["root.choose.cx"] == {"relationType": "CHOICE", "value": "x"}
    assert choices["root.choose.cd"] == {"relationType": "CHOICE", "value": "defaults"}
    assert _edges(graph, "root.dag.d1") == {"root.dag.d2": {"relationType": "PARALLEL"}}
    assert _edges(graph, "root._root")["root.oops"] == {"relationType": "ERROR"}
    assert _node(graph, "root.oops")["branchType"] == "ERROR"
    assert _node(graph, "root.last")["branchType"] == "FINALLY"
    assert "root.last" in _edges(graph, "root._finally")
    trigger = _node(graph, "root.Triggers.every")
    assert trigger["type"].endswith("GraphTrigger") and trigger["trigger"]["triggerId"] == "every"
    clusters = {c["cluster"]["uid"]: c for c in graph["clusters"]}
    assert set(clusters) == {
        "cluster_root.Triggers",
        "cluster_root.par",
        "cluster_root.choose",
        "cluster_root.dag",
    }
    assert clusters["cluster_root.par"]["start"] == "root.par._root"
    assert "root.par.p1" in clusters["cluster_root.par"]["nodes"]
    assert clusters["cluster_root.dag"]["cluster"]["relationType"] == "DYNAMIC"
    posted = live.client.post(
        f"{API}/flows/graph", content=GRAPH, headers={"content-type": "application/x-yaml"}
    )
    assert posted.status_code == 200, posted.text
    assert {n["uid"] for n in posted.json()["nodes"]} == uids
    assert "trigger" not in _node(posted.json(), "root.Triggers.every")


def test_flow_graph_refusals(live: LiveServer) -> None:
    _refused(live.client.get(f"{API}/flows/company.team/nope/graph"), 404, "nope")
    live.deploy(QUICK)
    missing = live.client.get(f"{API}/flows/company.team.sub/quick/graph", params={"revision": 9})
    assert missing.status_code == 404
    yaml = {"content-type": "application/x-yaml"}
    bad = live.client.post(f"{API}/flows/graph", content="id: x\nnamespace: y\n", headers=yaml)
    assert bad.status_code == 422 and bad.json()["_embedded"]["errors"]
    not_yaml = live.client.post(f"{API}/flows/graph", content=b"\xff\xfe", headers=yaml)
    assert not_yaml.status_code == 422
    assert live.client.post(f"{API}/flows/graph", json={"id": "x"}).status_code == 415


STEPS = """\
id: steps
namespace: company.team
tasks:
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3]
    tasks:
      - id: tick
        type: io.kestra.plugin.core.log.Log
        message: "tick {{ taskrun.value }}"
      - id: nap
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT1S
"""


def _events(url: str, headers: dict[str, str]) -> list[tuple[str, str]]:
    """Every (event, data) of a stream until the server ends it."""
    found: list[tuple[str, str]] = []
    with httpx.stream("GET", url, headers=headers, timeout=60) as stream:
        assert stream.status_code == 200, stream.read()
        event = "message"
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                found.append((event, line[5:].strip()))
    return found


def test_follow_streams_carry_credentials_and_end_with_the_execution(
    secured: LiveServer,
) -> None:
    """The UI reads both streams with fetch and an Authorization header (no EventSource): each
    sends every change or line, then ends by itself once the execution has ended."""
    bearer = {"Authorization": f"Bearer {TOKEN}", "X-Requested-With": "XMLHttpRequest"}
    secured.client.headers.update(bearer)
    secured.deploy(STEPS)
    execution_id = secured.client.post(f"{API}/executions/company.team/steps").json()["id"]
    denied = httpx.get(f"{secured.url}{API}/executions/{execution_id}/follow", timeout=10)
    assert denied.status_code == 401
    changes = _events(f"{secured.url}{API}/executions/{execution_id}/follow", bearer)
    logs = _events(f"{secured.url}{API}/logs/{execution_id}/follow", bearer)
    assert changes[-1] == ("end", "{}") and logs[-1] == ("end", "{}")
    states = [json.loads(data)["state"]["current"] for event, data in changes if event == "message"]
    assert states[-1] == "SUCCESS" and "RUNNING" in states
    documents = [json.loads(data) for event, data in changes if event == "message"]
    assert len(documents[-1]["taskRunList"]) == 7  # the loop, and tick and nap for 3 values
    # Each document is built from the task runs that changed, the last one read whole: it is
    # what GET answers, and every one before it showed the runs then known in creation order.
    assert documents[-1] == secured.client.get(f"{API}/executions/{execution_id}").json()
    for document in documents:
        ids = [run["id"] for run in document["taskRunList"]]
        assert ids == [run["id"] for run in documents[-1]["taskRunList"]][: len(ids)]
    lines = [json.loads(data)["message"] for event, data in logs if event == "message"]
    assert [line for line in lines if line.startswith("tick")] == ["tick 1", "tick 2", "tick 3"]
