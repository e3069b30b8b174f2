"""The io.kestra.plugin.fs.local tasks end to end in real flows, and the allowed-paths rule:
nothing outside the task's working directory and the allowed folders (the server's
``allowed-paths``, or TIERCEL_ALLOWED_PATHS) is read or written."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.plugins.flow_support import RunFlow, flow_of, states

from tiercel.plugins.fs.local.access import ALLOWED_PATHS_ENV

WRITE = {"id": "write", "type": "io.kestra.plugin.core.storage.Write", "content": "hello local"}


def local(task_id: str, kind: str, **props: object) -> dict[str, object]:
    return {"id": task_id, "type": f"io.kestra.plugin.fs.local.{kind}", **props}


@pytest.fixture
def allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "allowed"
    root.mkdir()
    monkeypatch.setenv(ALLOWED_PATHS_ENV, json.dumps([str(root)]))
    return root


def _error(finished: object, task_id: str) -> str:
    assert states(finished)[task_id] == "FAILED"  # type: ignore[arg-type]
    errors = [
        line.message
        for line in finished.logs  # type: ignore[attr-defined]
        if line.task_id == task_id and line.level.value == "ERROR"
    ]
    assert errors and "\n" not in errors[-1]
    return errors[-1]


def test_every_local_task_in_one_flow(
    allowed: Path, run_flow: RunFlow, stored: Callable[[str], bytes]
) -> None:
    digest = hashlib.sha256(b"hello local").hexdigest()
    finished = run_flow(
        flow_of(
            WRITE,
            local(
                "upload", "Upload", to=f"{allowed}/in/a.txt", **{"from": "{{ outputs.write.uri }}"}
            ),
            local(
                "uploads",
                "Uploads",
                to=f"{allowed}/in",
                **{
                    "from": {"b.csv": "{{ outputs.write.uri }}", "c.csv": "{{ outputs.write.uri }}"}
                },
            ),
            local("list", "List", regExp=".*\\.csv", sort="NAME_DESC", **{"from": f"{allowed}/in"}),
            local(
                "download",
                "Download",
                validateChecksum=True,
                checksumExpected=digest,
                **{"from": f"{allowed}/in/a.txt"},
            ),
            local("copy", "Copy", to=f"{allowed}/copy", **{"from": f"{allowed}/in"}),
            local("move", "Move", to=f"{allowed}/archive/", **{"from": f"{allowed}/in/a.txt"}),
            local(
                "downloads",
                "Downloads",
                action="MOVE",
                moveDirectory=f"{allowed}/done",
                **{"from": f"{allowed}/in"},
            ),
            local("delete", "Delete", recursive=True, **{"from": f"{allowed}/copy"}),
        )
    )
    assert set(states(finished).values()) == {"SUCCESS"}, finished.logs[-3:]
    out = finished.outputs
    assert out["upload"] == {"uri": (allowed / "in" / "a.txt").as_uri(), "size": 11}
    assert out["uploads"]["files"] == [(allowed / "in" / n).as_uri() for n in ("b.csv", "c.csv")]
    assert [f["name"] for f in out["list"]["files"]] == ["c.csv", "b.csv"]
    assert out["list"]["count"] == 2
    assert out["download"]["checksum"] == digest and out["download"]["size"] == 11
    assert stored(out["download"]["uri"]) == b"hello local"
    assert (allowed / "archive" / "a.txt").read_text() == "hello local"
    assert sorted(out["downloads"]["outputFiles"]) == [
        str(allowed / "in" / "b.csv"),
        str(allowed / "in" / "c.csv"),
    ]
    assert sorted(p.name for p in (allowed / "done").iterdir()) == ["b.csv", "c.csv"]
    assert list((allowed / "in").iterdir()) == []
    assert out["delete"]["deleted"] is True and not (allowed / "copy").exists()


def test_paths_outside_the_allowed_folders_are_refused(
    allowed: Path, tmp_path: Path, run_flow: RunFlow
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("keep out")
    (allowed / "link").symlink_to(tmp_path)
    attempts = {
        "read": local("read", "Download", **{"from": str(outside)}),
        "climb": local("climb", "Delete", **{"from": f"{allowed}/../secret.txt"}),
        "follow": local("follow", "Delete", **{"from": f"{allowed}/link/secret.txt"}),
        "put": local(
            "put", "Upload", to=str(tmp_path / "new.txt"), **{"from": "{{ outputs.write.uri }}"}
        ),
    }
    attempts["escape"] = local(
        "escape", "Uploads", to=str(allowed), **{"from": {"../new.txt": "{{ outputs.write.uri }}"}}
    )
    for task_id, task in attempts.items():
        message = _error(run_flow(flow_of(WRITE, task)), task_id)
        assert "is denied" in message and "allowed-paths" in message
    assert outside.read_text() == "keep out"
    assert not (tmp_path / "new.txt").exists()


def test_without_allowed_paths_nothing_is_touched(
    tmp_path: Path, run_flow: RunFlow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALLOWED_PATHS_ENV, raising=False)
    target = tmp_path / "file.txt"
    target.write_text("x")
    finished = run_flow(flow_of(local("drop", "Delete", **{"from": str(target)})))
    assert ALLOWED_PATHS_ENV in _error(finished, "drop")
    assert target.exists()


def test_overwrite_false_keeps_the_target(allowed: Path, run_flow: RunFlow) -> None:
    (allowed / "a.txt").write_text("a")
    (allowed / "b.txt").write_text("b")
    for kind in ("Copy", "Move"):
        task = local("t", kind, to=f"{allowed}/b.txt", **{"from": f"{allowed}/a.txt"})
        assert "already exists" in _error(run_flow(flow_of(task)), "t")
    assert (allowed / "b.txt").read_text() == "b" and (allowed / "a.txt").exists()


def test_the_working_directory_needs_no_allowed_path(
    run_flow: RunFlow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALLOWED_PATHS_ENV, raising=False)
    shared = {
        "id": "work",
        "type": "io.kestra.plugin.core.flow.WorkingDirectory",
        "tasks": [
            local("put", "Upload", to="out/a.txt", **{"from": "{{ outputs.write.uri }}"}),
            local("get", "Download", **{"from": "out/a.txt"}),
        ],
    }
    finished = run_flow(flow_of(WRITE, shared))
    assert states(finished)["get"] == "SUCCESS"
    assert finished.outputs["get"]["uri"].startswith("kestra://")


def test_allowed_paths_from_the_server_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's ``allowed-paths`` setting reaches the tasks, with no variable set."""
    from tiercel.model import load_flows
    from tiercel.registry import default_registry
    from tiercel.runtime import LocalRunner
    from tiercel.wiring import local_services

    monkeypatch.delenv(ALLOWED_PATHS_ENV, raising=False)
    root = tmp_path / "configured"
    root.mkdir()
    (root / "in.txt").write_text("configured")
    text = flow_of(local("get", "Download", **{"from": str(root / "in.txt")}))
    (flow,) = load_flows(text.encode(), "flow.yaml", default_registry()).valid_flows()
    with local_services(tmp_path / "data", allowed_paths=[str(root)]) as services:
        finished = LocalRunner(services).execute(flow)
        assert states(finished)["get"] == "SUCCESS"
        uri = finished.outputs["get"]["uri"]
        assert services.storage.read_bytes(uri) == b"configured"
    with local_services(tmp_path / "data", allowed_paths=[]) as services:
        assert "is denied" in _error(LocalRunner(services).execute(flow), "get")
