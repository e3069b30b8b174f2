"""Secrets over a live server: a SECRET input is stored encrypted (nothing in clear on disk),
shown as ``******`` by the API, decrypted for the task that renders it; it and every
``secret()`` value are masked, with their common transforms, in log lines, task outputs, flow
outputs, later tasks' logs and failure messages."""

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.conftest import LiveServer, start_live

from tiercel.model.secrets import variants
from tiercel.runtime.services import RunLimits
from tiercel.wiring.server import ServerConfig

BASE = "/api/v1/main/executions"
PASSWORD = 'p@ss w/rd"x\\y-7Q'
TOKEN = "tok-9f8e7d6c5b4a"

SECRETS = """\
id: secrets
namespace: company.team
inputs:
  - id: pw
    type: SECRET
tasks:
  - id: direct
    type: io.kestra.plugin.core.log.Log
    message: >-
      pw={{ inputs.pw }} upper={{ inputs.pw | upper }} b64={{ inputs.pw | base64encode }}
      url={{ inputs.pw | urlencode }} json={{ inputs.pw | json }}
  - id: token
    type: io.kestra.plugin.core.log.Log
    message: "token={{ secret('API_TOKEN') }} lower={{ secret('API_TOKEN') | upper | lower }}"
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.pw }}|{{ secret('API_TOKEN') | upper }}"
  - id: later
    type: io.kestra.plugin.core.log.Log
    message: "later={{ outputs.ret.value }}"
  - id: shell
    type: io.kestra.plugin.scripts.shell.Commands
    env:
      PW: "{{ inputs.pw }}"
    commands:
      - printf '%s' "$PW" | sha256sum
      - echo "plain $PW"
      - printf '%s' "$PW" | base64
      - printf '%s\\n' "$PW" | tr a-z A-Z
      - echo "token $(cat token.txt)"
    inputFiles:
      token.txt: "{{ secret('API_TOKEN') }}"
outputs:
  - id: leaked
    type: STRING
    value: "{{ outputs.ret.value }}"
"""

FAILING = """\
id: failing
namespace: company.team
inputs:
  - id: pw
    type: SECRET
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "refused {{ inputs.pw }} and {{ secret('API_TOKEN') }}"
"""


@pytest.fixture
def with_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("SECRET_API_TOKEN", base64.b64encode(TOKEN.encode()).decode())
    yield from start_live(ServerConfig(data_dir=tmp_path / "data", threads=2))


def forms() -> set[str]:
    found = variants(PASSWORD) | variants(TOKEN)
    assert {PASSWORD.upper(), json.dumps(PASSWORD)[1:-1], "p%40ss+w%2Frd%22x%5Cy-7Q"} <= found
    return found


def assert_hidden(text: str, where: str) -> None:
    for form in forms():
        assert form not in text, (where, form)


def run(live: LiveServer, flow: str) -> tuple[dict[str, object], list[dict[str, str]]]:
    created = live.client.post(
        f"/api/v1/main/executions/company.team/{flow}", data={"pw": PASSWORD}
    )
    assert created.status_code == 200, created.text
    assert_hidden(created.text, "create answer")
    execution = live.wait_ended(created.json()["id"])
    logs = live.client.get(f"/api/v1/main/logs/{execution['id']}")
    assert_hidden(logs.text, "logs")
    return execution, logs.json()


def test_a_secret_input_is_encrypted_masked_and_still_usable(
    with_secret: LiveServer, tmp_path: Path
) -> None:
    live = with_secret
    live.deploy(SECRETS)
    execution, logs = run(live, "secrets")
    assert execution["state"]["current"] == "SUCCESS"
    assert execution["inputs"] == {"pw": "******"}
    messages = {line["taskId"]: line["message"] for line in logs}
    assert messages["direct"] == 'pw=****** upper=****** b64=****** url=****** json="******"'
    assert messages["token"] == "token=****** lower=******"
    assert messages["later"] == "later=******|******"
    shell = [line["message"] for line in logs if line["taskId"] == "shell"]
    # The script got the clear value: its digest is the password's.
    digest = hashlib.sha256(PASSWORD.encode()).hexdigest()
    assert any(line.startswith(digest) for line in shell), shell
    assert "plain ******" in shell and "token ******" in shell
    runs = {run["taskId"]: run for run in execution["taskRunList"]}  # type: ignore[union-attr]
    assert runs["ret"]["outputs"] == {"value": "******|******"}
    assert execution["outputs"] == {"leaked": "******|******"}
    # Every API answer about the execution, and the search, shows no secret.
    for path in (
        f"/api/v1/main/executions/{execution['id']}",
        "/api/v1/main/executions/search?namespace=company.team",
        f"/api/v1/main/logs/{execution['id']}/download",
        f"/api/v1/main/executions/{execution['id']}/follow",
    ):
        assert_hidden(live.client.get(path).text, path)
    # At rest: not one file of the data directory (database, WAL, storage) holds a clear form.
    data = tmp_path / "data"
    stored = b"".join(path.read_bytes() for path in data.rglob("*") if path.is_file())
    for form in forms():
        assert form.encode() not in stored, form
    assert b"io.kestra.datatype:aes_encrypted" in stored
    key = data / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_failure_message_masks_the_secrets(with_secret: LiveServer) -> None:
    live = with_secret
    live.deploy(FAILING)
    execution, logs = run(live, "failing")
    assert execution["state"]["current"] == "FAILED"
    assert any(line["message"] == "refused ****** and ******" for line in logs), logs


def test_an_execution_created_before_a_key_change_fails_with_a_clear_message(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    paused = SECRETS.replace(
        "tasks:\n", "tasks:\n  - id: hold\n    type: io.kestra.plugin.core.flow.Pause\n", 1
    )
    for live in start_live(ServerConfig(data_dir=data, threads=2)):
        live.deploy(paused)
        created = live.client.post(
            "/api/v1/main/executions/company.team/secrets", data={"pw": PASSWORD}
        ).json()
        deadline = time.monotonic() + 20
        while live.client.get(f"{BASE}/{created['id']}").json()["state"]["current"] != "PAUSED":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    (data / "secret.key").unlink()  # the next start makes another key
    for live in start_live(ServerConfig(data_dir=data, threads=2)):
        assert live.client.post(f"{BASE}/{created['id']}/resume").status_code == 204
        execution = live.wait_ended(created["id"])
        assert execution["state"]["current"] == "FAILED"
        logs = live.client.get(f"/api/v1/main/logs/{created['id']}").json()
        assert any("encrypted with another secret key" in line["message"] for line in logs), logs


RESUMED = """\
id: resumed
namespace: company.team
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: code
        type: SECRET
  - id: shown
    type: io.kestra.plugin.core.log.Log
    message: "code={{ outputs.wait.onResume.code }}"
  - id: digest
    type: io.kestra.plugin.scripts.shell.Commands
    env:
      CODE: "{{ outputs.wait.onResume.code }}"
    commands:
      - printf '%s' "$CODE" | sha256sum
"""


def test_a_secret_given_on_resume_is_encrypted_and_masked(
    with_secret: LiveServer, tmp_path: Path
) -> None:
    live = with_secret
    live.deploy(RESUMED)
    created = live.client.post(f"{BASE}/company.team/resumed").json()
    deadline = time.monotonic() + 20
    while live.client.get(f"{BASE}/{created['id']}").json()["state"]["current"] != "PAUSED":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    resumed = live.client.post(f"{BASE}/{created['id']}/resume", data={"code": PASSWORD})
    assert resumed.status_code == 204, resumed.text
    execution = live.wait_ended(created["id"])
    assert execution["state"]["current"] == "SUCCESS"
    runs = {run["taskId"]: run for run in execution["taskRunList"]}  # type: ignore[union-attr]
    assert runs["wait"]["outputs"] == {"onResume": {"code": "******"}}
    logs = live.client.get(f"/api/v1/main/logs/{created['id']}")
    assert_hidden(logs.text, "logs")
    messages = [line["message"] for line in logs.json()]
    assert "code=******" in messages
    digest = hashlib.sha256(PASSWORD.encode()).hexdigest()
    assert any(message.startswith(digest) for message in messages), messages
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    for form in forms():
        assert form.encode() not in stored, form


CHECKED = """\
id: checked
namespace: company.team
inputs:
  - id: pw
    type: SECRET
    validator: "[0-9]+"
  - id: name
    type: STRING
    validator: "[0-9]+"
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: never
"""


def test_an_api_error_quotes_no_secret(with_secret: LiveServer) -> None:
    live = with_secret
    live.deploy(CHECKED)
    # A refused SECRET input is never quoted; a server secret given as another input is masked.
    refused = live.client.post(f"{BASE}/company.team/checked", data={"pw": PASSWORD, "name": TOKEN})
    assert refused.status_code == 422
    assert_hidden(refused.text, "error")
    assert "but received `******`" in refused.json()["message"]


STORED = """\
id: stored
namespace: company.team
inputs:
  - id: pw
    type: SECRET
tasks:
  - id: kv
    type: io.kestra.plugin.core.kv.Set
    key: token
    value: "{{ secret('API_TOKEN') }}"
  - id: labels
    type: io.kestra.plugin.core.execution.Labels
    labels:
      who: "{{ inputs.pw }}"
  - id: big
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.pw }} and {{ secret('API_TOKEN') }} {{ range(1, 200) | join(',') }}"
  - id: read
    type: io.kestra.plugin.core.log.Log
    message: "kv={{ kv('token') | length }}"
"""


@pytest.fixture
def small_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("SECRET_API_TOKEN", base64.b64encode(TOKEN.encode()).decode())
    limits = RunLimits(output_bytes=256)
    yield from start_live(ServerConfig(data_dir=tmp_path / "data", threads=2, limits=limits))


def test_kv_values_labels_and_output_files_show_no_secret(
    small_outputs: LiveServer, tmp_path: Path
) -> None:
    live = small_outputs
    live.deploy(STORED)
    execution, logs = run(live, "stored")
    assert execution["state"]["current"] == "SUCCESS", logs
    # The KV entry keeps the clear value for the flows that read it (the task stored it)...
    assert any(line["message"] == f"kv={len(TOKEN)}" for line in logs), logs
    # ...and the API shows it masked.
    shown = live.client.get("/api/v1/main/namespaces/company.team/kv/token")
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"type": "STRING", "value": "******"}
    listed = live.client.get("/api/v1/main/namespaces/company.team/kv")
    assert_hidden(listed.text, "kv list")
    # A label set from a SECRET input is masked where it is stored and shown.
    labels = {label["key"]: label["value"] for label in execution["labels"]}  # type: ignore[union-attr]
    assert labels["who"] == "******"
    found = live.client.get("/api/v1/main/executions/search", params={"labels": "who:******"})
    assert [e["id"] for e in found.json()["results"]] == [execution["id"]]
    # The output too large to stay with its task run went to a file of internal storage,
    # written by Tiercel from the masked output.
    runs = {run["taskId"]: run for run in execution["taskRunList"]}  # type: ignore[union-attr]
    uri = runs["big"]["outputs"]["value"]
    assert uri.startswith("kestra://"), uri
    spilled = [p for p in (tmp_path / "data").rglob("output-value.json")]
    assert spilled, "the large output is stored as a file"
    text = spilled[0].read_text()
    assert "******" in text
    assert_hidden(text, "output file")
