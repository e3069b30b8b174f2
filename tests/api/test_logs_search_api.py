"""``GET /logs/search`` over HTTP: Kestra's page of log lines across executions, filtered by
text, namespace (with those under it), flow, level and dates, newest first; and its refusals."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import LiveServer

SEARCH = "/api/v1/main/logs/search"

TALKER = """\
id: {flow}
namespace: {namespace}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "{message}"
  - id: warn
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: "careful in {flow}"
"""


def _run(live: LiveServer, namespace: str, flow: str, message: str) -> str:
    live.deploy(TALKER.format(namespace=namespace, flow=flow, message=message))
    response = live.client.post(
        f"/api/v1/main/executions/{namespace}/{flow}", params={"wait": True}
    )
    assert response.status_code == 200, response.text
    execution_id: str = response.json()["id"]
    return execution_id


def _search(live: LiveServer, path: str = SEARCH, **params: Any) -> dict[str, Any]:
    response = live.client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _messages(page: dict[str, Any]) -> list[str]:
    return [line["message"] for line in page["results"]]


def test_search_filters_pages_and_sorts(live: LiveServer) -> None:
    first = _run(live, "company.team", "alpha", "Disk FULL on alpha")
    second = _run(live, "company.team.sub", "beta", "all good in beta")
    _run(live, "company.teams", "gamma", "disk fine in gamma")

    everything = _search(live, size=100)
    assert everything["total"] == len(everything["results"]) >= 6
    stamps = [line["timestamp"] for line in everything["results"]]
    assert stamps == sorted(stamps, reverse=True)  # newest first

    assert _messages(_search(live, q="disk full")) == ["Disk FULL on alpha"]
    found = _search(live, q="disk")
    assert sorted(_messages(found)) == ["Disk FULL on alpha", "disk fine in gamma"]
    line = _search(live, q="disk full")["results"][0]
    assert (line["namespace"], line["flowId"], line["executionId"]) == (
        "company.team",
        "alpha",
        first,
    )
    assert line["level"] == "INFO" and line["taskId"] == "say"

    # A namespace takes in those under it, but not company.teams.
    in_team = _search(live, namespace="company.team", size=100)
    assert {line["flowId"] for line in in_team["results"]} == {"alpha", "beta"}
    assert in_team["total"] == len(in_team["results"])
    assert {line["executionId"] for line in _search(live, flowId="beta")["results"]} == {second}

    warnings = _search(live, minLevel="WARN", size=100)
    assert sorted(_messages(warnings)) == [
        "careful in alpha",
        "careful in beta",
        "careful in gamma",
    ]
    assert _search(live, minLevel="ERROR")["total"] == 0

    # Pages: `size` at a time, `total` all of them; the two pages do not overlap.
    one = _search(live, namespace="company.team", page=1, size=2)
    two = _search(live, namespace="company.team", page=2, size=2)
    assert one["total"] == two["total"] == in_team["total"]
    assert len(one["results"]) == 2
    assert one["results"] + two["results"] == in_team["results"][:4]
    oldest = _search(live, namespace="company.team", sort="timestamp:asc", size=100)
    assert oldest["results"] == list(reversed(in_team["results"]))

    # Dates: none before the first line, all up to now; the unprefixed path too.
    now = datetime.now(UTC)
    assert _search(live, endDate=(now - timedelta(hours=1)).isoformat())["total"] == 0
    later = _search(live, "/api/v1/logs/search", startDate=(now - timedelta(hours=1)).isoformat())
    assert later["total"] == everything["total"]
    assert _search(live, startDate=(now + timedelta(hours=1)).isoformat())["total"] == 0


def test_search_refusals(live: LiveServer) -> None:
    for params, needle in (
        ({"sort": "message:asc"}, "timestamp"),
        ({"sort": "timestamp:sideways"}, "direction"),
        ({"page": 0}, "Invalid request"),
        ({"size": 0}, "Invalid request"),
        ({"minLevel": "LOUD"}, "Invalid request"),
        ({"startDate": "yesterday"}, "Invalid request"),
    ):
        response = live.client.get(SEARCH, params=params)
        assert response.status_code == 422, (params, response.text)
        assert needle in response.json()["message"], params
