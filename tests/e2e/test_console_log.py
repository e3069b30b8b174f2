"""``tiercel server local`` tells on its console when each execution starts and ends."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.conftest import free_port

FLOWS = {
    "ok.yaml": "id: ok\nnamespace: console\ntasks:\n"
    "  - {id: hi, type: io.kestra.plugin.core.log.Log, message: hi}\n",
    "bad.yaml": "id: bad\nnamespace: console\ntasks:\n"
    "  - {id: boom, type: io.kestra.plugin.core.execution.Fail}\n",
}


def test_each_execution_start_and_end_are_logged(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    for name, text in FLOWS.items():
        (flows / name).write_text(text)
    port = free_port()
    console = tmp_path / "console.log"
    with console.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
             "--data-dir", str(tmp_path / "data"), "--flows", str(flows)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}/api/v1/main/executions/console"
            # Generous: on a machine shared by many test runs, imports alone take seconds.
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, console.read_text()
                    time.sleep(0.05)
            ok = httpx.post(f"{base}/ok?wait=true", timeout=120).json()
            bad = httpx.post(f"{base}/bad?wait=true", timeout=120).json()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(120)
    text = console.read_text()
    for execution, flow, state in ((ok, "ok", "SUCCESS"), (bad, "bad", "FAILED")):
        prefix = re.escape(f"[namespace: console] [flow: {flow}] [execution: {execution['id']}]")
        assert re.search(prefix + " Flow started$", text, re.M), text
        ended = prefix + rf" Flow completed with state {state} in \d\d:\d\d:\d\d\.\d\d\d$"
        assert re.search(ended, text, re.M), text
