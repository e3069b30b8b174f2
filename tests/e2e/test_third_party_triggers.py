"""A plugin package from outside Tiercel's source tree (``tests/data/ext_plugin``), installed
the way pip installs one, takes part in ``tiercel server local`` like the core plugins: its
scheduled trigger fires through the real scheduler, its polling trigger too, and its webhook
trigger answers on the API's webhook route. None of its classes is known to Tiercel's code:
the scheduler and the API find them by the SDK's protocols."""

import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import free_port

PACKAGE = Path(__file__).parents[1] / "data" / "ext_plugin"

LOG = "  - {id: log, type: io.kestra.plugin.core.log.Log, message: 'got {{ trigger }}'}\n"
FLOWS = {
    "ticking.yaml": "id: ticking\nnamespace: ext\n"
    "triggers:\n  - {id: tick, type: com.example.trigger.Every, every: PT1S}\n"
    "tasks:\n" + LOG,
    "tallied.yaml": "id: tallied\nnamespace: ext\n"
    "triggers:\n  - {id: tally, type: com.example.trigger.Tally, interval: PT1S, limit: 2}\n"
    "tasks:\n" + LOG,
    "hooked.yaml": "id: hooked\nnamespace: ext\n"
    "triggers:\n  - {id: call, type: com.example.trigger.Hook, key: k3y-from-outside}\n"
    "tasks:\n" + LOG,
}

# Generous: on a machine shared by many test runs, imports alone take seconds.
PATIENCE = 120.0


def install(site: Path) -> None:
    """What ``pip install`` leaves on the path: the package, and a dist-info whose
    ``entry_points.txt`` publishes its plugins under the ``tiercel.plugins`` group (written
    here from the package's own ``pyproject.toml``, so no build backend is needed offline)."""
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["project"]
    shutil.copytree(PACKAGE / "src" / "tiercel_ext_example", site / "tiercel_ext_example")
    info = site / f"tiercel_ext_example-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines.extend(f"{name} = {target}" for name, target in entries.items())
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("third-party")
    site = root / "site"
    site.mkdir()
    install(site)
    flows = root / "flows"
    flows.mkdir()
    for name, text in FLOWS.items():
        (flows / name).write_text(text)
    port = free_port()
    env = dict(__import__("os").environ)
    env["PYTHONPATH"] = ":".join(filter(None, [str(site), env.get("PYTHONPATH")]))
    console = root / "console.log"
    with console.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
             "--data-dir", str(root / "data"), "--flows", str(flows)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + PATIENCE
            while True:
                assert process.poll() is None, console.read_text()
                try:
                    if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, console.read_text()
                    time.sleep(0.05)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(120)


def executions(url: str, flow_id: str, at_least: int) -> list[dict[str, Any]]:
    """The ended executions of ``ext.<flow_id>``, oldest first, once there are ``at_least``."""
    deadline = time.monotonic() + PATIENCE
    while True:
        found = httpx.get(
            f"{url}/api/v1/main/executions/search",
            params={"namespace": "ext", "flowId": flow_id, "size": 100},
            timeout=10,
        ).json()["results"]
        ended = [e for e in found if e["state"]["current"] == "SUCCESS"]
        if len(ended) >= at_least:
            return sorted(ended, key=lambda e: str(e["state"]["startDate"]))
        assert time.monotonic() < deadline, f"{len(ended)} of {at_least} executions: {found}"
        time.sleep(0.2)


def test_its_scheduled_trigger_fires_through_the_scheduler(server: str) -> None:
    started = executions(server, "ticking", 2)
    triggers = [execution["trigger"] for execution in started]
    assert {trigger["type"] for trigger in triggers} == {"com.example.trigger.Every"}
    ticks = [trigger["variables"]["tick"] for trigger in triggers]
    # One execution per tick of the calendar, each a later one.
    assert ticks == sorted(set(ticks)), ticks


def test_its_polling_trigger_fires_through_the_scheduler(server: str) -> None:
    started = executions(server, "tallied", 2)
    counts = [execution["trigger"]["variables"]["count"] for execution in started]
    assert counts[:2] == [1, 2]


def test_its_webhook_trigger_answers_on_the_webhook_route(server: str) -> None:
    base = f"{server}/api/v1/main/executions/webhook/ext/hooked"
    assert httpx.post(f"{base}/wrong-key", json={}, timeout=30).status_code == 404
    answer = httpx.post(f"{base}/k3y-from-outside", json={"name": "outside"}, timeout=30)
    assert answer.status_code == 200, answer.text
    (execution,) = executions(server, "hooked", 1)
    assert execution["id"] == answer.json()["id"]
    assert execution["trigger"]["type"] == "com.example.trigger.Hook"
    assert execution["trigger"]["variables"]["body"] == {"name": "outside"}
