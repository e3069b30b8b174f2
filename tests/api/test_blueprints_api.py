"""Blueprints: the repository's examples served in Kestra's shapes, searchable by text and tag,
each one a valid flow that can be created as is."""

from pathlib import Path

from click.testing import CliRunner
from tests.api.conftest import LiveServer

from tiercel.cli.main import cli

BASE = "/api/v1/main/blueprints/community/flow"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_every_example_is_a_valid_flow() -> None:
    result = CliRunner().invoke(cli, ["flow", "validate", "-q", str(EXAMPLES)])
    assert result.exit_code == 0, result.output


def test_the_gallery_lists_every_example_with_kestras_fields(live: LiveServer) -> None:
    listed = live.client.get(BASE).json()
    ids = {item["id"] for item in listed["results"]}
    assert ids == {path.stem for path in EXAMPLES.glob("*.yaml")}
    assert listed["total"] == len(ids)
    python = next(i for i in listed["results"] if i["id"] == "python-preprocess")
    assert set(python) == {"id", "title", "description", "includedTasks", "tags", "publishedAt"}
    assert python["title"] == "Clean a CSV with an inline Python script"
    assert python["includedTasks"] == ["io.kestra.plugin.scripts.python.Script"]
    assert python["tags"] == ["Python"]
    titles = [item["title"] for item in listed["results"]]
    assert titles == sorted(titles, key=str.lower)


def test_search_by_text_and_tags(live: LiveServer) -> None:
    def ids(**params: object) -> list[str]:
        body = live.client.get(BASE, params=params).json()
        return sorted(item["id"] for item in body["results"])

    assert ids(q="pandas") == ["python-preprocess"]
    assert ids(q="SWITCH") == ["branching"]  # the included task types are searched too
    assert ids(tags=["Python", "Namespace files"]) == ["namespace-script"]
    assert ids(tags=["Parallel"]) == ["each-parallel", "parallel"]
    assert ids(q="nothing like this") == []
    page = live.client.get(BASE, params={"size": 2, "page": 2}).json()
    assert len(page["results"]) == 2 and page["total"] == len(list(EXAMPLES.glob("*.yaml")))

    tags = [tag["name"] for tag in live.client.get(f"{BASE}/tags").json()]
    assert {"Python", "Parallel", "KV Store", "Conditions", "Webhook"} <= set(tags)
    assert tags == sorted(tags)


def test_one_blueprint_its_source_and_graph(live: LiveServer) -> None:
    one = live.client.get(f"{BASE}/kv-counter").json()
    source = (EXAMPLES / "kv-counter.yaml").read_text(encoding="utf-8")
    assert one["source"] == source and one["kind"] == "FLOW" and "KV Store" in one["tags"]
    raw = live.client.get(f"{BASE}/kv-counter/source")
    assert raw.text == source and raw.headers["content-type"].startswith("application/yaml")
    graph = live.client.get(f"{BASE}/kv-counter/graph").json()
    assert {"root.previous", "root.increment", "root.report"} <= {n["uid"] for n in graph["nodes"]}

    # Using it is creating the flow from its source, which then runs.
    created = live.client.post(
        "/api/v1/main/flows", content=source, headers={"content-type": "application/x-yaml"}
    )
    assert created.status_code == 200, created.text
    run = live.client.post(
        "/api/v1/main/executions/tiercel.examples/kv_counter", params={"wait": True}
    ).json()
    assert run["state"]["current"] == "SUCCESS"


def test_unknown_blueprints_and_kinds_are_404_and_bad_sorts_422(live: LiveServer) -> None:
    missing = live.client.get(f"{BASE}/nope")
    assert missing.status_code == 404 and "Blueprint 'nope' not found" in missing.json()["message"]
    dashboards = live.client.get("/api/v1/main/blueprints/community/dashboard")
    assert dashboards.status_code == 404 and "flow blueprints only" in dashboards.json()["message"]
    assert live.client.get(BASE, params={"sort": "stars:desc"}).status_code == 422
    assert live.client.get(BASE, params={"page": 0}).status_code == 422
