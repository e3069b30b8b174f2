"""A script's process over a live server gets a clean environment: ``PATH``, ``HOME``, the
locale, the task's ``env``, the working-directory variables and what ``allowed-env`` lists;
never Tiercel's settings, secrets, the ``envs`` variables or the database URL, even when the
operator's list names them."""

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.conftest import LiveServer, start_live

from tiercel.wiring.local import sqlite_url
from tiercel.wiring.server import ServerConfig

ENV_DUMP = """\
id: envdump
namespace: company.team
tasks:
  - id: dump
    type: io.kestra.plugin.scripts.shell.Commands
    env:
      FROM_TASK: "task-value"
    commands:
      - env | sort
  - id: legacy
    type: io.kestra.core.tasks.scripts.Bash
    commands:
      - env | sort
"""

LEAKS = {
    "TIERCEL_API_TOKEN": "tiercel-setting-value",
    "SECRET_DB_PASSWORD": base64.b64encode(b"secret-value-123").decode(),
    "ENV_REGION": "envs-value",
    "UNLISTED_TOKEN": "unlisted-value",
}


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    data = tmp_path / "data"
    for name, value in LEAKS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ALLOWED_ONE", "allowed-one")
    monkeypatch.setenv("ALLOWED_TWO", "allowed-two")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("TZ", "Europe/Paris")
    # The database URL and a secret's clear value, under names the operator allows.
    monkeypatch.setenv("ALLOWED_DB", sqlite_url(data))
    monkeypatch.setenv("ALLOWED_LEAK", "secret-value-123")
    config = ServerConfig(
        data_dir=data,
        threads=2,
        allowed_env=("ALLOWED_*", "TIERCEL_API_TOKEN", "SECRET_*", "ENV_REGION"),
    )
    yield from start_live(config)


def test_a_script_sees_only_the_allowed_environment(configured: LiveServer) -> None:
    live = configured
    live.deploy(ENV_DUMP)
    created = live.client.post("/api/v1/main/executions/company.team/envdump").json()
    assert live.wait_ended(created["id"])["state"]["current"] == "SUCCESS"
    logs = live.client.get(f"/api/v1/main/logs/{created['id']}").json()
    for task in ("dump", "legacy"):
        lines = [line["message"] for line in logs if line["taskId"] == task]
        seen = dict(line.partition("=")[::2] for line in lines if "=" in line)
        names = set(seen)
        assert {"PATH", "HOME", "LC_ALL", "TZ"} <= names, task
        assert seen["ALLOWED_ONE"] == "allowed-one"
        assert seen["ALLOWED_TWO"] == "allowed-two"
        assert seen["TZ"] == "Europe/Paris"
        for hidden in (*LEAKS, "ALLOWED_DB", "ALLOWED_LEAK"):
            assert hidden not in names, (task, hidden)
        text = "\n".join(lines)
        for value in ("tiercel-setting-value", "envs-value", "unlisted-value", "sqlite://"):
            assert value not in text, (task, value)
        assert not any(name.startswith(("TIERCEL_", "SECRET_", "ENV_")) for name in names)
    dump = {
        line["message"].partition("=")[0]: line["message"].partition("=")[2]
        for line in logs
        if line["taskId"] == "dump"
    }
    assert dump["FROM_TASK"] == "task-value"
    assert {"WORKING_DIR", "OUTPUT_DIR"} <= set(dump)
