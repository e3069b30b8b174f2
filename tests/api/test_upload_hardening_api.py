"""Uploads over HTTP, tried as an attacker would: a multipart field name may not choose where a
file is written (create and resume refuse unknown fields and write nothing), a client's file
name is reduced to a base name, and the body limit holds for a chunked body without
``Content-Length``."""

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.conftest import LiveServer, start_live

from tiercel.wiring.server import ServerConfig

BASE = "/api/v1/main/executions"

UPLOAD = """\
id: upload
namespace: company.team
inputs:
  - id: data
    type: FILE
    required: false
  - id: note
    type: STRING
    required: false
tasks:
  - id: show
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.data is defined and inputs.data != null ? read(inputs.data) : 'none' }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: key
"""

PAUSED = """\
id: paused
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        type: BOOLEAN
      - id: proof
        type: FILE
        required: false
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "approved={{ outputs.wait.onResume.approved }}"
"""

# What an attacker would drop in a watched flows folder: a flow with a shell task.
EVIL = b"""\
id: evil
namespace: company.team
tasks:
  - id: run
    type: io.kestra.plugin.scripts.shell.Commands
    commands: [touch /tmp/tiercel-owned]
"""


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    """A server that deploys the flows of a folder it watches."""
    flows = tmp_path / "flows"
    flows.mkdir()
    config = ServerConfig(data_dir=tmp_path / "data", threads=2, flows_dir=flows)
    for live in start_live(config):
        yield live, flows


@pytest.fixture
def small(tmp_path: Path) -> Iterator[LiveServer]:
    """A server that takes request bodies of at most 1 KiB."""
    yield from start_live(
        ServerConfig(data_dir=tmp_path / "data", threads=2, max_upload_bytes=1024)
    )


def escaping_names(target: Path) -> list[str]:
    """Field names that, joined to the upload folder, point at ``target``: absolute, and
    relative from the system's temporary folder where the upload folders are made."""
    relative = os.path.relpath(target, tempfile.gettempdir())
    return [str(target), f"../{relative}", f"x/../../{relative}"]


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_create_refuses_a_field_name_that_is_no_input_and_writes_nothing(
    watched: tuple[LiveServer, Path],
) -> None:
    live, flows = watched
    live.deploy(UPLOAD)
    before = live.client.get(f"{BASE}/search").json()["total"]
    for name in escaping_names(flows / "evil"):
        response = live.client.post(f"{BASE}/company.team/upload", files={name: ("evil.yml", EVIL)})
        assert response.status_code == 422, (name, response.text)
        assert "Unknown input field" in response.json()["message"]
        assert files_under(flows) == [], name
    # A plain text field that is no input is refused too, and nothing starts.
    response = live.client.post(f"{BASE}/company.team/upload", data={"../note": "x"})
    assert response.status_code == 422
    # So is a file for an input that takes text.
    response = live.client.post(f"{BASE}/company.team/upload", files={"note": ("n.txt", b"x")})
    assert response.status_code == 422
    assert response.json()["message"] == "Input 'note' is not a FILE input: it takes no file"
    time.sleep(0.5)  # a flows-folder sync would have deployed the file by now
    assert live.client.get("/api/v1/main/flows/company.team/evil").status_code == 404
    assert live.client.get(f"{BASE}/search").json()["total"] == before


def test_create_keeps_only_the_base_name_of_an_uploaded_file(live: LiveServer) -> None:
    live.deploy(UPLOAD)
    for filename in ("../../../etc/x.txt", "/abs/y.txt", "..", "a\\..\\..\\b.txt", "n" * 400):
        response = live.client.post(
            f"{BASE}/company.team/upload",
            params={"wait": "true"},
            files={"data": (filename, b"payload")},
            data={"note": "hi"},
        )
        assert response.status_code == 200, (filename, response.text)
        body = response.json()
        assert body["state"]["current"] == "SUCCESS", filename
        uri = body["inputs"]["data"]
        assert uri.startswith("kestra:///company/team/upload/executions/")
        assert "/../" not in uri and "\\" not in uri
        assert body["taskRunList"][0]["outputs"] == {"value": "payload"}


def test_resume_refuses_unknown_fields_and_writes_nothing(
    watched: tuple[LiveServer, Path],
) -> None:
    live, flows = watched
    live.deploy(PAUSED)
    created = live.client.post(f"{BASE}/company.team/paused").json()
    deadline = time.monotonic() + 20
    while live.client.get(f"{BASE}/{created['id']}").json()["state"]["current"] != "PAUSED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for name in escaping_names(flows / "evil"):
        response = live.client.post(
            f"{BASE}/{created['id']}/resume",
            files={name: ("evil.yml", EVIL)},
            data={"approved": "true"},
        )
        assert response.status_code == 422, (name, response.text)
        assert files_under(flows) == [], name
    assert live.client.get(f"{BASE}/{created['id']}").json()["state"]["current"] == "PAUSED"
    # A declared FILE input goes through, and the execution goes on.
    resumed = live.client.post(
        f"{BASE}/{created['id']}/resume",
        files={"proof": ("proof.txt", b"signed")},
        data={"approved": "true"},
    )
    assert resumed.status_code == 204, resumed.text
    assert live.wait_ended(created["id"])["state"]["current"] == "SUCCESS"
    # Resuming an execution that is not paused is refused before the body is read.
    for name in escaping_names(flows / "evil"):
        again = live.client.post(f"{BASE}/{created['id']}/resume", files={name: ("evil.yml", EVIL)})
        assert again.status_code == 409, again.text
        assert files_under(flows) == []


def test_a_refused_input_leaves_no_uploaded_file_in_storage(
    live: LiveServer, tmp_path: Path
) -> None:
    live.deploy(UPLOAD.replace("type: STRING", "type: INT"))
    response = live.client.post(
        f"{BASE}/company.team/upload",
        files={"data": ("kept.txt", b"payload")},
        data={"note": "not a number"},
    )
    assert response.status_code == 422
    storage = tmp_path / "data" / "storage"  # the `live` server's internal storage
    assert files_under(storage) == []


def chunks(total: int, size: int = 256, head: bytes = b"") -> Iterator[bytes]:
    """A body sent chunked: httpx sends no Content-Length for a generator. ``head`` opens it
    (a multipart part's header: without one, the form parser may refuse the first chunk as
    malformed before the body has grown over the limit)."""
    if head:
        yield head
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("POST", f"{BASE}/company.team/upload", "multipart/form-data; boundary=zz"),
        ("POST", f"{BASE}/company.team/upload", "application/json"),
        ("POST", "/api/v1/main/flows", "application/x-yaml"),
        ("PUT", "/api/v1/main/namespaces/company.team/kv/big", "application/json"),
        ("POST", f"{BASE}/webhook/company.team/upload/key", "application/json"),
    ],
)
def test_a_chunked_body_over_the_limit_is_refused_with_413(
    small: LiveServer, method: str, path: str, content_type: str
) -> None:
    small.deploy(UPLOAD)
    head = (
        b'--zz\r\nContent-Disposition: form-data; name="data"; filename="big.txt"\r\n\r\n'
        if content_type.startswith("multipart/")
        else b""
    )
    response = small.client.request(
        method, path, content=chunks(64 * 1024, head=head), headers={"content-type": content_type}
    )
    assert response.status_code == 413, response.text
    assert response.json() == {"message": "Request body over 1024 bytes"}
    assert small.client.get(f"{BASE}/search").json()["total"] == 0
    # Under the limit, a chunked body is read as usual.
    ok = small.client.post(
        f"{BASE}/company.team/upload",
        content=chunks(20, 5),
        headers={"content-type": "application/json"},
    )
    assert ok.status_code == 422  # 20 bytes of "x": read whole, then refused as bad JSON
