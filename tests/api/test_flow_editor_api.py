"""The routes behind the flow editor: validation with positions, the expression catalog, and
flows exported and imported as a zip of YAML files."""

import io
import zipfile

from tests.api.conftest import LiveServer

YAML = {"content-type": "application/x-yaml"}


def flow(flow_id: str, namespace: str = "company.team", message: str = "hello") -> str:
    return (
        f"id: {flow_id}\nnamespace: {namespace}\ntasks:\n"
        f"  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: {message}\n"
    )


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(live: LiveServer, name: str, content: bytes) -> tuple[int, object]:
    response = live.client.post("/api/v1/main/flows/import", files={"fileUpload": (name, content)})
    return response.status_code, response.json()


def test_validate_gives_each_problem_its_line_column_and_field(live: LiveServer) -> None:
    source = flow("a").replace("message: hello", "mesage: hello")
    [entry] = live.client.post("/api/v1/main/flows/validate", content=source, headers=YAML).json()
    assert entry["flow"] == "a"
    by_path = {p["path"]: p for p in entry["problems"]}
    assert by_path["tasks[0].mesage"]["line"] == 6
    assert by_path["tasks[0].mesage"]["column"] == 5
    assert "did you mean 'message'" in by_path["tasks[0].mesage"]["message"]
    # The CLI's own line, as ``constraints`` carries it.
    assert by_path["tasks[0].mesage"]["text"] in entry["constraints"].splitlines()
    assert by_path["tasks[0].message"]["message"] == "missing required property"


def test_validate_reports_legacy_types_as_warnings(live: LiveServer) -> None:
    source = flow("a").replace("io.kestra.plugin.core.log.Log", "io.kestra.core.tasks.log.Log")
    [entry] = live.client.post("/api/v1/main/flows/validate", content=source, headers=YAML).json()
    assert "constraints" not in entry and entry["problems"] == []
    assert entry["deprecationPaths"] == ["tasks[0].type"]
    [notice] = entry["notices"]
    assert (notice["line"], notice["column"]) == (5, 5)
    assert "replaced by io.kestra.plugin.core.log.Log" in notice["message"]
    assert entry["warnings"] == [notice["text"]]


def test_validate_broken_yaml_points_at_the_line(live: LiveServer) -> None:
    [entry] = live.client.post(
        "/api/v1/main/flows/validate", content="id: x\n  bad: [\n", headers=YAML
    ).json()
    [problem] = entry["problems"]
    assert problem["line"] == 2 and "invalid YAML" in problem["message"]


def _timing(header: str) -> dict[str, str]:
    return dict(part.strip().partition(";")[::2] for part in header.split(","))


def test_validate_says_what_it_cost_and_answers_a_text_sent_again_the_same(
    live: LiveServer,
) -> None:
    source = flow("timed").replace("message: hello", "mesage: hello")
    first = live.client.post("/api/v1/main/flows/validate", content=source, headers=YAML)
    timing = _timing(first.headers["server-timing"])
    assert timing["validate"].startswith("dur=") and timing["cpu"].startswith("dur=")
    assert float(timing["cpu"][4:]) >= 0 and "cache" not in timing
    # The same text again (a save after the check): the same answer, from the cache.
    again = live.client.post("/api/v1/main/flows/validate", content=source, headers=YAML)
    assert _timing(again.headers["server-timing"])["cache"] == 'desc="hit"'
    assert again.json() == first.json()
    # Another text is checked afresh.
    fixed = live.client.post("/api/v1/main/flows/validate", content=flow("timed"), headers=YAML)
    assert "cache" not in _timing(fixed.headers["server-timing"])
    assert fixed.json()[0]["problems"] == []


def test_validate_cache_keeps_the_last_few_sources_only() -> None:
    from tiercel.api.flow_checks import CACHED_SOURCES, SourceChecker
    from tiercel.registry import default_registry

    checker = SourceChecker(default_registry())
    sources = [flow(f"f{index}") for index in range(CACHED_SOURCES + 1)]
    for source in sources:
        assert not checker.check([source], source).cached
    answer = checker.check([sources[-1]], sources[-1])
    assert answer.cached and answer.entries[0]["flow"] == f"f{CACHED_SOURCES}"
    answer.entries[0]["flow"] = "changed by a caller"  # never reaches the cache
    assert checker.check([sources[-1]], sources[-1]).entries[0]["flow"] == f"f{CACHED_SOURCES}"
    assert not checker.check([sources[0]], sources[0]).cached  # the oldest was let go


def test_expression_catalog_lists_the_engine_functions_and_filters(live: LiveServer) -> None:
    catalog = live.client.get("/api/v1/main/expressions").json()
    functions = {f["name"]: f for f in catalog["functions"]}
    filters = {f["name"]: f for f in catalog["filters"]}
    tests = {t["name"] for t in catalog["tests"]}
    assert functions["now"]["signature"].startswith("now(format=null, timeZone=null")
    assert functions["secret"]["signature"] == "secret(key)"
    assert functions["kv"]["signature"].startswith("kv(key")
    assert filters["upper"]["signature"] == "upper"
    assert filters["abbreviate"]["signature"] == "abbreviate(length=null)"
    assert {"date", "jq", "default", "toJson"} <= set(filters)
    assert {"defined", "null", "empty"} <= tests


def test_export_by_query_and_ids_then_import_round_trip(live: LiveServer) -> None:
    live.deploy(flow("one"))
    live.deploy(flow("two", "company.team.sub"))
    live.deploy(flow("other", "elsewhere"))
    by_query = live.client.get(
        "/api/v1/main/flows/export/by-query", params={"namespace": "company.team"}
    )
    assert by_query.status_code == 200
    assert by_query.headers["content-disposition"] == 'attachment; filename="flows.zip"'
    names = sorted(zipfile.ZipFile(io.BytesIO(by_query.content)).namelist())
    assert names == ["company.team.one.yml", "company.team.sub.two.yml"]
    by_ids = live.client.post(
        "/api/v1/main/flows/export/by-ids", json=[{"namespace": "elsewhere", "id": "other"}]
    )
    archive = zipfile.ZipFile(io.BytesIO(by_ids.content))
    assert archive.read("elsewhere.other.yml").decode() == flow("other", "elsewhere")
    missing = live.client.post(
        "/api/v1/main/flows/export/by-ids", json=[{"namespace": "elsewhere", "id": "nope"}]
    )
    assert missing.status_code == 404 and "elsewhere.nope" in missing.json()["message"]

    changed = {"company.team.one.yml": flow("one", message="again").encode()}
    changed["new/company.team.three.yaml"] = flow("three").encode()
    status, body = upload(live, "flows.zip", zipped(changed))
    assert status == 200
    assert isinstance(body, list)
    assert sorted((f["id"], f["revision"]) for f in body) == [("one", 2), ("three", 1)]
    got = live.client.get("/api/v1/main/flows/company.team/one").json()
    assert "again" in got["source"]


def test_import_one_yaml_file(live: LiveServer) -> None:
    status, body = upload(live, "single.yml", flow("single").encode())
    assert status == 200 and isinstance(body, list) and body[0]["id"] == "single"


def test_import_is_all_or_nothing_and_names_the_bad_file(live: LiveServer) -> None:
    files = {
        "good.yml": flow("good").encode(),
        "bad.yml": flow("bad").replace("core.log.Log", "core.log.Lgo").encode(),
    }
    status, body = upload(live, "flows.zip", zipped(files))
    assert status == 422
    assert isinstance(body, dict)
    assert body["message"].startswith("Nothing imported: bad.yml:5:")
    assert body["_embedded"]["errors"][0]["path"] == "bad.yml"
    assert live.client.get("/api/v1/main/flows/company.team/good").status_code == 404


def test_bad_uploads_get_a_clear_4xx(live: LiveServer) -> None:
    status, body = upload(live, "flows.zip", b"PK\x03\x04 this is no zip")
    assert status == 422 and isinstance(body, dict)
    assert "not a readable zip archive" in body["message"]
    status, body = upload(live, "notes.txt", b"hello")
    assert status == 422 and isinstance(body, dict)
    assert "neither a zip archive nor a YAML file" in body["message"]
    status, body = upload(live, "empty.zip", zipped({"readme.md": b"# hi"}))
    assert status == 422 and isinstance(body, dict) and "holds no YAML file" in body["message"]
    status, body = upload(live, "latin.zip", zipped({"f.yml": "id: é".encode("latin-1")}))
    assert status == 422 and isinstance(body, dict) and "not UTF-8" in body["message"]
    response = live.client.post("/api/v1/main/flows/import", content=b"x", headers=YAML)
    assert response.status_code == 422 and "fileUpload" in response.json()["message"]


def test_a_zip_bomb_is_refused_before_unpacking(live: LiveServer) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.yml", b"#" * (101 * 1024 * 1024))
    status, body = upload(live, "bomb.zip", buffer.getvalue())
    assert status == 413 and isinstance(body, dict) and "unpacks to more than" in body["message"]
