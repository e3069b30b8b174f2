"""Namespace files over HTTP: upload, read, list, stats, move, delete, search, zip export and
import, flows under ``_flows``, a task reading a namespace file; and the refusals (traversal,
absolute URIs, NUL, unknown files, bad namespaces), each a 4xx with a JSON body."""

import io
import zipfile

import pytest
from tests.api.conftest import LiveServer

FILES = "/api/v1/main/namespaces/company.team/files"

READER = """\
id: reader
namespace: company.team
tasks:
  - id: read
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read('scripts/hello.txt') }}"
"""


def upload(live: LiveServer, path: str, content: bytes, filename: str = "file.txt") -> int:
    response = live.client.post(
        FILES, params={"path": path}, files={"fileContent": (filename, content)}
    )
    return response.status_code


def test_upload_read_list_stats_move_and_delete(live: LiveServer) -> None:
    assert upload(live, "/scripts/hello.txt", b"hello files") == 200
    assert upload(live, "/scripts/lib/util.py", b"x = 1\n") == 200
    assert upload(live, "top.sql", b"select 1") == 200

    content = live.client.get(FILES, params={"path": "/scripts/hello.txt"})
    assert content.status_code == 200 and content.content == b"hello files"
    assert content.headers["content-type"] == "application/octet-stream"

    root = live.client.get(f"{FILES}/directory").json()
    assert [(e["fileName"], e["type"]) for e in root] == [
        ("scripts", "Directory"),
        ("top.sql", "File"),
    ]
    scripts = live.client.get(f"{FILES}/directory", params={"path": "/scripts"}).json()
    assert [(e["fileName"], e["type"], e["size"]) for e in scripts] == [
        ("hello.txt", "File", 11),
        ("lib", "Directory", 0),
    ]
    stats = live.client.get(f"{FILES}/stats", params={"path": "/scripts/hello.txt"}).json()
    assert stats["type"] == "File" and stats["size"] == 11 and stats["fileName"] == "hello.txt"
    assert live.client.get(f"{FILES}/stats", params={"path": "/scripts"}).json()["type"] == (
        "Directory"
    )
    assert live.client.get(f"{FILES}/stats").json()["type"] == "Directory"
    assert live.client.get(f"{FILES}/search", params={"q": "util"}).json() == [
        "/scripts/lib/util.py"
    ]

    moved = live.client.put(FILES, params={"from": "/scripts/lib", "to": "/lib"})
    assert moved.status_code == 200, moved.text
    assert live.client.get(FILES, params={"path": "/lib/util.py"}).content == b"x = 1\n"
    conflict = live.client.put(FILES, params={"from": "/top.sql", "to": "/lib/util.py"})
    assert conflict.status_code == 409 and "already exists" in conflict.json()["message"]

    assert live.client.delete(FILES, params={"path": "/lib"}).status_code == 200
    gone = live.client.get(FILES, params={"path": "/lib/util.py"})
    assert gone.status_code == 404 and "not found" in gone.json()["message"]
    assert live.client.post(f"{FILES}/directory", params={"path": "/empty"}).status_code == 200


def test_a_task_reads_an_uploaded_namespace_file(live: LiveServer) -> None:
    assert upload(live, "/scripts/hello.txt", b"from the API") == 200
    live.deploy(READER)
    created = live.client.post(
        "/api/v1/main/executions/company.team/reader", params={"wait": True}
    ).json()
    ended = live.wait_ended(created["id"])
    assert ended["state"]["current"] == "SUCCESS"
    assert ended["taskRunList"][0]["outputs"]["value"] == "from the API"


def test_zip_export_and_zip_import_with_a_flow(live: LiveServer) -> None:
    assert upload(live, "/a/one.txt", b"1") == 200
    assert upload(live, "/two.txt", b"22") == 200
    exported = live.client.get(f"{FILES}/export")
    assert exported.status_code == 200
    assert 'filename="company.team_files.zip"' in exported.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        assert sorted(archive.namelist()) == ["a/one.txt", "two.txt"]
        assert archive.read("a/one.txt") == b"1"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/three.csv", "a,b\n")
        archive.writestr("_flows/imported.yaml", READER.replace("reader", "imported"))
    other = "/api/v1/main/namespaces/other.team/files"
    response = live.client.post(
        other, params={"path": "/"}, files={"fileContent": ("bundle.zip", buffer.getvalue())}
    )
    assert response.status_code == 200, response.text
    assert live.client.get(other, params={"path": "data/three.csv"}).content == b"a,b\n"
    # A flow under _flows is deployed into the namespace the files are uploaded to.
    flow = live.client.get("/api/v1/main/flows/other.team/imported")
    assert flow.status_code == 200 and flow.json()["namespace"] == "other.team"

    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../escape.txt", "no")
    refused = live.client.post(
        other, params={"path": "/"}, files={"fileContent": ("evil.zip", evil.getvalue())}
    )
    assert refused.status_code == 422 and ".." in refused.json()["message"]
    broken = live.client.post(
        other, params={"path": "/"}, files={"fileContent": ("broken.zip", b"not a zip")}
    )
    assert broken.status_code == 422 and "zip" in broken.json()["message"]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("../../etc/passwd", ".."),
        ("/scripts/../../x", ".."),
        ("a\x00b", "NUL"),
        ("..\\windows", "backslash"),
        ("file:///etc/passwd", "not a URI"),
        ("/_flows/x.yaml", "Forbidden path"),
    ],
)
def test_bad_paths_are_422_json_on_every_verb(live: LiveServer, path: str, fragment: str) -> None:
    responses = [
        live.client.get(FILES, params={"path": path}),
        live.client.get(f"{FILES}/stats", params={"path": path}),
        live.client.get(f"{FILES}/directory", params={"path": path}),
        live.client.delete(FILES, params={"path": path}),
        live.client.put(FILES, params={"from": path, "to": "/ok.txt"}),
    ]
    if "_flows" not in path:
        responses.append(
            live.client.post(FILES, params={"path": path}, files={"fileContent": ("f", b"x")})
        )
    for response in responses:
        assert response.status_code == 422, (response.request.url, response.text)
        assert fragment in response.json()["message"]


def test_unknown_files_missing_parts_and_bad_namespaces_are_4xx(live: LiveServer) -> None:
    # A leading slash is Kestra's way of writing a namespace path, not the host's root.
    outside = live.client.get(FILES, params={"path": "/etc/passwd"})
    assert outside.status_code == 404 and "not found" in outside.json()["message"]
    assert live.client.get(f"{FILES}/stats", params={"path": "/nope"}).status_code == 404
    missing_dir = live.client.get(f"{FILES}/directory", params={"path": "/nope"})
    assert missing_dir.status_code == 404 and "Directory not found" in missing_dir.json()["message"]
    assert live.client.delete(FILES, params={"path": "/nope"}).status_code == 404
    no_path = live.client.get(FILES)
    assert no_path.status_code == 422 and no_path.json()["message"] == "Invalid request"
    no_part = live.client.post(FILES, params={"path": "/x.txt"}, files={"other": ("f", b"x")})
    assert no_part.status_code == 422 and "fileContent" in no_part.json()["message"]
    not_multipart = live.client.post(FILES, params={"path": "/x.txt"}, content=b"raw")
    assert not_multipart.status_code == 415
    root = live.client.delete(FILES, params={"path": "/"})
    assert root.status_code == 422 and "names no file" in root.json()["message"]
    bad_ns = live.client.get("/api/v1/main/namespaces/bad..ns/files/directory")
    assert bad_ns.status_code == 422 and "namespace" in bad_ns.json()["message"]
    bad_flow = live.client.post(
        FILES, params={"path": "/_flows/a/b.yaml"}, files={"fileContent": ("b.yaml", b"id: b")}
    )
    assert bad_flow.status_code == 422 and "Invalid flow file path" in bad_flow.json()["message"]
