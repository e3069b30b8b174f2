"""The API's event loop during a slow request: ``python bench/bench_loop.py [--tasks N]``.

Starts a server in this process (API over HTTP on a free port), deploys a flow of N Log tasks
(YAML parsing, validation and a database write, seconds of work) and meanwhile calls
``/ping`` in a loop. Reports the deploy's time, how many pings were answered during it and
their latency (median, max), and the longest a sleeping thread waited for the GIL: a route
run on the loop would leave one ping answered at the end; a plain ``def`` route leaves the
loop free, and what remains of the latency is the GIL held by C code of the deploy.
"""

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from tiercel.api.serving import uvicorn_config
from tiercel.wiring.server import ServerConfig, running_server


def huge_flow(tasks: int) -> str:
    """A flow of ``tasks`` Log tasks."""
    lines = ["id: huge", "namespace: bench", "tasks:"]
    for index in range(tasks):
        lines += [
            f"  - id: t{index}",
            "    type: io.kestra.plugin.core.log.Log",
            f"    message: 'hello {{{{ execution.id }}}} {index}'",
        ]
    return "\n".join(lines) + "\n"


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    tasks = parser.parse_args().tasks
    source = huge_flow(tasks)
    port = free_port()
    config = ServerConfig(data_dir=Path(tempfile.mkdtemp()) / "data", threads=2, port=port)
    with running_server(config) as server:
        api = uvicorn.Server(uvicorn_config(server.app, "127.0.0.1", port, log_level="warning"))
        serving = threading.Thread(target=api.run, daemon=True)
        serving.start()
        while not api.started:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        done = threading.Event()
        took: list[float] = []
        gil_waits: list[float] = []

        def deploy() -> None:
            start = time.perf_counter()
            answer = httpx.post(
                f"{url}/api/v1/main/flows",
                content=source,
                headers={"content-type": "application/x-yaml"},
                timeout=600,
            )
            took.append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.text
            done.set()

        def probe() -> None:
            while not done.is_set():
                start = time.perf_counter()
                time.sleep(0.01)
                gil_waits.append(time.perf_counter() - start - 0.01)

        deploying = threading.Thread(target=deploy)
        deploying.start()
        threading.Thread(target=probe, daemon=True).start()
        pings: list[float] = []
        with httpx.Client(base_url=url, timeout=600) as client:
            while not done.is_set():
                start = time.perf_counter()
                client.get("/ping")
                pings.append(time.perf_counter() - start)
                time.sleep(0.02)
        deploying.join()
        api.should_exit = True
        serving.join(10)
    pings.sort()
    print(f"deploy of {tasks} tasks: {took[0]:.2f} s")
    print(
        f"pings answered during it: {len(pings)}, median {pings[len(pings) // 2] * 1000:.1f} ms,"
        f" max {pings[-1] * 1000:.0f} ms"
    )
    print(f"longest GIL wait of a sleeping thread: {max(gil_waits) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
