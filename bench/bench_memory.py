"""Memory given back after large payloads: ``python bench/bench_memory.py``.

Starts ``tiercel server local`` in a process of its own and reads its resident memory (RSS):
idle once started; then while executions print a 50 MB line, return outputs of 5 MB each
(stored in internal storage past the output limit) and post 20 MB webhook bodies; then idle
again, a few seconds after the load. Target (issue 11): idle memory back within 20% of its
start.
"""

import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

FLOWS = {
    "long_line.yaml": """\
id: long_line
namespace: bench
tasks:
  - id: print
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - head -c 50000000 /dev/zero | tr '\\0' x; echo
""",
    "big_output.yaml": """\
id: big_output
namespace: bench
tasks:
  - id: out
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - big=$(head -c 900000 /dev/zero | tr '\\0' y)
      - for i in 1 2 3 4 5; do printf '::{"outputs":{"b%s":"%s"}}::\\n' $i "$big"; done
""",
    "warm.yaml": """\
id: warm
namespace: bench
tasks:
  - id: print
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - echo warm; printf '::{"outputs":{"w":"%s"}}::\\n' warm
""",
    "hook.yaml": """\
id: hook
namespace: bench
tasks:
  - id: size
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.body | length }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: bench
""",
}

TERMINAL = {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _settle(pid: int, seconds: float) -> float:
    """The lowest RSS seen over ``seconds`` of idleness."""
    lowest = _rss_mb(pid)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        lowest = min(lowest, _rss_mb(pid))
    return lowest


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        flows = root / "flows"
        flows.mkdir()
        for name, text in FLOWS.items():
            (flows / name).write_text(text)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
             "--data-dir", str(root / "data"), "--flows", str(flows)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/api/v1/main"
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                while True:
                    try:
                        if client.get(f"http://127.0.0.1:{port}/ping").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                # Small executions first, so that the code a run loads is counted in the start.
                client.post("/executions/webhook/bench/hook/bench", json={"n": 1})
                warm = client.post("/executions/bench/warm").json()["id"]
                while client.get(f"/executions/{warm}").json()["state"]["current"] not in TERMINAL:
                    time.sleep(0.2)
                start = _settle(server.pid, 5)
                print(f"idle after start: {start:.0f} MB")
                peak = start
                ids = []
                for _ in range(3):
                    for flow in ("long_line", "big_output"):
                        ids.append(client.post(f"/executions/bench/{flow}").json()["id"])
                    body = {"data": "z" * 20_000_000}
                    client.post("/executions/webhook/bench/hook/bench", json=body)
                    peak = max(peak, _rss_mb(server.pid))
                for execution_id in ids:
                    while (
                        client.get(f"/executions/{execution_id}").json()["state"]["current"]
                        not in TERMINAL
                    ):
                        peak = max(peak, _rss_mb(server.pid))
                        time.sleep(0.2)
                print(f"peak under load: {peak:.0f} MB")
                after = _settle(server.pid, 10)
                ratio = after / start
                verdict = "ok" if ratio <= 1.2 else "over the 20% target"
                print(f"idle after load: {after:.0f} MB ({ratio:.0%} of the start: {verdict})")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


if __name__ == "__main__":
    main()
