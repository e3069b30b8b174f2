"""The three search routes over HTTP: Kestra's ``page``, ``size``, ``sort`` and ``{results,
total}``, and hostile paging or text answered with a 4xx or a correct empty page, never a 5xx."""

import http.client
import json
from typing import Any

from tests.api.conftest import LiveServer

BASE = "/api/v1/main"

FLOW = """\
id: {flow}
namespace: {namespace}
labels:
  team: {team}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "hello from {flow}"
"""


def _run(live: LiveServer, namespace: str, flow: str, team: str) -> str:
    live.deploy(FLOW.format(namespace=namespace, flow=flow, team=team))
    response = live.client.post(f"{BASE}/executions/{namespace}/{flow}", params={"wait": True})
    assert response.status_code == 200, response.text
    execution_id: str = response.json()["id"]
    return execution_id


def _get(live: LiveServer, path: str, **params: Any) -> dict[str, Any]:
    response = live.client.get(f"{BASE}{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"results", "total"}
    return body


def _long_get(live: LiveServer, target: str) -> dict[str, Any]:
    # httpx refuses URLs over 64 KiB; a client that sends one must still get a correct answer.
    host, port = live.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200, body[:500]
    answer: dict[str, Any] = json.loads(body)
    return answer


def test_execution_search_pages_sorts_and_filters(live: LiveServer) -> None:
    first = _run(live, "company.team", "alpha", "data")
    second = _run(live, "company.team.sub", "beta", "ops")
    third = _run(live, "company.teams", "gamma", "data")

    newest = _get(live, "/executions/search")
    assert [e["id"] for e in newest["results"]] == [third, second, first]
    assert newest["total"] == 3
    assert newest["results"][0]["taskRunList"][0]["taskId"] == "say"  # with its task runs
    oldest = _get(live, "/executions/search", sort="state.startDate:asc", size=2)
    assert [e["id"] for e in oldest["results"]] == [first, second]
    assert oldest["total"] == 3
    page_two = _get(live, "/executions/search", sort="state.startDate:asc", size=2, page=2)
    assert [e["id"] for e in page_two["results"]] == [third]
    by_flow = _get(live, "/executions/search", sort="flowId:desc")
    assert [e["flowId"] for e in by_flow["results"]] == ["gamma", "beta", "alpha"]

    in_team = _get(live, "/executions/search", namespace="company.team")
    assert {e["id"] for e in in_team["results"]} == {first, second}
    labelled = _get(live, "/executions/search", labels="team:data")
    assert [e["id"] for e in labelled["results"]] == [third, first]
    assert [e["id"] for e in _get(live, "/executions/search", q="BETA")["results"]] == [second]
    assert _get(live, "/executions/search", q=first[3:12])["results"][0]["id"] == first


def test_log_and_flow_search_pages_and_sorts(live: LiveServer) -> None:
    first = _run(live, "company.team", "alpha", "data")
    _run(live, "company.teams", "beta", "data")

    lines = _get(live, "/logs/search", executionId=first)
    assert [line["message"] for line in lines["results"]] == ["hello from alpha"]
    assert _get(live, "/logs/search", q="HELLO", sort="timestamp:asc")["total"] == 2

    flows = _get(live, "/flows/search", sort="id:desc")
    assert [f["id"] for f in flows["results"]] == ["beta", "alpha"]
    assert "source" not in flows["results"][0]
    assert _get(live, "/flows/search", namespace="company.team")["total"] == 1
    assert _get(live, "/flows/search", size=1, page=2)["results"][0]["id"] == "beta"


def test_hostile_paging_and_text_never_answer_5xx(live: LiveServer) -> None:
    _run(live, "company.team", "alpha", "data")
    huge_page = str(10**18)
    long_text = "x" * 100_000
    for path in ("/executions/search", "/logs/search", "/flows/search"):
        deep = _get(live, path, page=huge_page, size=10)
        assert deep["results"] == [] and deep["total"] >= 1, path
        assert _long_get(live, f"{BASE}{path}?q={long_text}") == {"results": [], "total": 0}
        assert _get(live, path, q="%_\\") == {"results": [], "total": 0}, path
        for params, needle in (
            ({"sort": "nosuchfield:asc"}, "cannot sort by 'nosuchfield'"),
            ({"sort": "id"}, "field:asc"),
            ({"sort": "id:sideways"}, "direction"),
            ({"page": "0"}, "Invalid request"),
            ({"page": str(10**40)}, ""),
        ):
            response = live.client.get(f"{BASE}{path}", params=params)
            assert response.status_code in (200, 422), (path, params, response.text)
            if response.status_code == 422:
                assert needle in response.json()["message"], (path, params)
            else:
                assert response.json()["results"] == [], (path, params)
