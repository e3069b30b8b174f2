"""A folder of flows with bad files in it: the server still starts, the watch goes on, and the
good files deploy, before and after the bad one."""

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tiercel.ops.flows import Deployed, Flows
from tiercel.registry import default_registry
from tiercel.wiring import flow_folder
from tiercel.wiring.flow_folder import FlowFolder
from tiercel.wiring.local import open_backend, sqlite_url

FLOW = """\
id: {id}
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: {message}
"""


@pytest.fixture
def flows(tmp_path: Path) -> Iterator[Flows]:
    (tmp_path / "db").mkdir()
    with open_backend(sqlite_url(tmp_path / "db"), tmp_path / "storage") as backend:
        services = backend.services
        yield Flows(services.flows, services.triggers, default_registry(), services.clock)


def test_a_file_that_breaks_the_reader_is_a_problem_and_the_others_deploy(
    tmp_path: Path, flows: Flows, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "a.yaml").write_text(FLOW.format(id="a", message="hi"))
    (folder / "b.yaml").write_text(FLOW.format(id="b", message="boom"))
    (folder / "c.yaml").write_text(FLOW.format(id="c", message="9" * 5000))
    (folder / "d.yaml").write_text(FLOW.format(id="d", message="hi"))
    deploy = flows.deploy

    def breaking(source: str, *, name: str = "flow.yaml", **kw: object) -> Deployed:
        if "boom" in source:  # stands for any failure nobody foresaw in the reader
            raise RuntimeError("unforeseen")
        return deploy(source, name=name)

    monkeypatch.setattr(flows, "deploy", breaking)
    problems = FlowFolder(folder, flows).sync()
    assert [(Path(p.source).name, p.message) for p in problems] == [
        ("b.yaml", "cannot deploy: RuntimeError: unforeseen"),
        ("c.yaml", "a number of 5000 digits is too large (at most 4300); quote it to have text"),
    ]
    assert flows.find("company.team", "a") is not None
    assert flows.find("company.team", "d") is not None


def test_the_watch_survives_a_sync_that_fails(
    tmp_path: Path, flows: Flows, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    watched = FlowFolder(folder, flows)
    calls: list[int] = []
    sync = watched.sync

    def failing_once() -> list[object]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("unforeseen")
        return list(sync())

    monkeypatch.setattr(watched, "sync", failing_once)
    monkeypatch.setattr(flow_folder, "POLL_SECONDS", 0.01)
    stop = threading.Event()
    thread = threading.Thread(target=watched.watch, args=(stop,), daemon=True)
    thread.start()
    (folder / "late.yaml").write_text(FLOW.format(id="late", message="hi"))
    deadline = time.monotonic() + 10
    while flows.find("company.team", "late") is None:
        assert thread.is_alive(), "the watch died"
        assert time.monotonic() < deadline, "the file saved after the failure never deployed"
        time.sleep(0.02)
    stop.set()
    thread.join(5)


def test_server_local_starts_with_a_bad_flow_file_and_keeps_deploying(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "bad.yaml").write_text(FLOW.format(id="bad", message="9" * 5000))
    (folder / "good.yaml").write_text(FLOW.format(id="good", message="hi"))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
         "--data-dir", str(tmp_path / "data"), "--flows", str(folder), "--threads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/api/v1/main/flows/company.team"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/good", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        assert httpx.get(f"{base}/bad").status_code == 404
        (folder / "later.yaml").write_text(FLOW.format(id="later", message="hi"))
        (folder / "bad2.yaml").write_text(FLOW.format(id="bad2", message="8" * 9000))
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/later").status_code != 200:
            assert time.monotonic() < deadline, "the folder watch stopped deploying"
            time.sleep(0.1)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=60)
    assert b"Traceback" not in errors, errors.decode()[-2000:]
    assert b"5000 digits is too large" in errors
