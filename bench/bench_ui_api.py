"""What the web UI waits for: ``python bench/bench_ui_api.py``.

Starts ``tiercel server local`` (SQLite, basic auth on) in a process of its own and measures,
through the API with an ``Authorization`` header as the UI sends it:

- live updates over SSE: the delay from a log line's timestamp to its arrival on
  ``/logs/{id}/follow``, and from a state change (the newest date in the execution's state
  histories) to its arrival on ``/executions/{id}/follow``, for a flow that logs and changes
  state every 200 ms; then that both streams end by themselves when the execution ends;
- a large execution written into the store beforehand (10,000 task runs, 100,000 log lines):
  ``GET /executions/{id}``, the first event of its follow stream, a page of its logs;
- the dashboard's and the list's calls over 20,000 executions: ``/stats/executions/daily``
  (30 days by day, and 6 hours by minute) and a page of ``/executions/search``.

Target (issue 13): a log line or a state change shows within 0.5 s.
"""

import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tiercel.model.execution import Attempt, Execution, RunState, TaskRun
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.storage import Database, LogEntry, SqlExecutionStore, SqlLogStore

USER, PASSWORD = "admin", "bench-pw"
AUTH = {
    "Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
    "X-Requested-With": "XMLHttpRequest",
}
API = "/api/v1/main"

TICKER = """\
id: ticker
namespace: bench.ui
tasks:
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    tasks:
      - id: tick
        type: io.kestra.plugin.core.log.Log
        message: "tick {{ taskrun.value }}"
      - id: nap
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT0.2S
"""

BIG_RUNS = 10_000
BIG_LOGS = 100_000
HISTORY = 20_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(data: Path, flows: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TIERCEL_AUTH__USERS=json.dumps({USER: PASSWORD}))
    process = subprocess.Popen(
        [sys.executable, "-m", "tiercel", "server", "local", "--port", str(port),
         "--data-dir", str(data), "--flows", str(flows)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )  # fmt: skip
    began = time.monotonic()
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() - began > 60:
            process.kill()
            raise SystemExit("the server did not start")
        time.sleep(0.05)


def parse_instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def newest_change(execution: dict[str, Any]) -> float:
    dates = [h["date"] for h in execution["state"]["histories"]]
    for run in execution["taskRunList"]:
        dates.extend(h["date"] for h in run["state"]["histories"])
    return max(parse_instant(d) for d in dates)


def sse(client: httpx.Client, path: str, sink: list[tuple[str, float, str]]) -> None:
    """Read the events of ``path`` into ``sink`` as (event, arrival time, data) until it
    ends."""
    event = "message"
    with client.stream("GET", path, headers=AUTH, timeout=None) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                sink.append((event, time.time(), line[5:].strip()))


def summary(delays: list[float]) -> str:
    if not delays:
        return "none"
    ordered = sorted(delays)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"n={len(ordered)} median {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )


def live_updates(client: httpx.Client) -> None:
    created = client.post(f"{API}/executions/bench.ui/ticker", headers=AUTH)
    execution_id = created.json()["id"]
    logs: list[tuple[str, float, str]] = []
    changes: list[tuple[str, float, str]] = []
    readers = [
        threading.Thread(target=sse, args=(client, f"{API}/logs/{execution_id}/follow", logs)),
        threading.Thread(
            target=sse, args=(client, f"{API}/executions/{execution_id}/follow", changes)
        ),
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(120)
    ended = all(not reader.is_alive() for reader in readers)
    log_delays = [
        arrival - parse_instant(json.loads(data)["timestamp"])
        for event, arrival, data in logs
        if event == "message"
    ]
    change_delays = []
    for event, arrival, data in changes:
        if event == "message":
            change_delays.append(arrival - newest_change(json.loads(data)))
    # The first event of each stream repeats what happened before it was opened.
    print(f"log line -> /logs/follow:             {summary(log_delays[2:])}")
    print(f"state change -> /executions/follow:   {summary(change_delays[2:])}")
    print(f"both streams ended with the execution: {ended}")


def big_runs(execution_id: str, now: datetime, count: int, running: int = 0) -> list[TaskRun]:
    """``count`` task runs, the last ``running`` of them still running."""
    runs = []
    for n in range(count):
        start = now + timedelta(milliseconds=50 * n)
        state = RunState.start(State.CREATED, start).to(State.RUNNING, start)
        if n < count - running:
            state = state.to(State.SUCCESS, start + timedelta(milliseconds=40))
        runs.append(
            TaskRun.model_validate(
                {
                    "id": f"{execution_id[:8]}{n:08d}",
                    "executionId": execution_id,
                    "namespace": "bench.ui",
                    "flowId": "ticker",
                    "taskId": "tick",
                    "value": str(n),
                    "attempts": (Attempt(state=state),),
                    "outputs": {"value": n},
                    "state": state,
                }
            )
        )
    return runs


def big_execution(db_url: str) -> str:
    """An execution of 10,000 task runs and 100,000 log lines, written in the store."""
    now = datetime.now(UTC) - timedelta(hours=1)
    with Database(db_url) as db:
        executions, logs = SqlExecutionStore(db), SqlLogStore(db)
        execution = Execution.model_validate(
            {
                "id": "bigexecution0000000001",
                "namespace": "bench.ui",
                "flowId": "ticker",
                "state": RunState.start(State.CREATED, now).to(
                    State.SUCCESS, now + timedelta(minutes=9)
                ),
            }
        )
        runs = big_runs(execution.id, now, BIG_RUNS)
        executions.save(execution, runs)
        for chunk in range(0, BIG_LOGS, 10_000):
            logs.append(
                LogEntry(
                    namespace="bench.ui",
                    flow_id="ticker",
                    task_id="tick",
                    execution_id=execution.id,
                    task_run_id=f"bigexecu{(n // 10):08d}",
                    attempt_number=1,
                    timestamp=now + timedelta(milliseconds=5 * n),
                    level=LogLevel.INFO,
                    message=f"line {n} of the big execution",
                )
                for n in range(chunk, chunk + 10_000)
            )
        history = []
        for n in range(HISTORY):
            created = now - timedelta(minutes=2 * n)
            state = State.FAILED if n % 7 == 0 else State.SUCCESS
            history.append(
                execution.model_copy(
                    update={
                        "id": f"hist{n:08d}",
                        "state": RunState.start(State.CREATED, created).to(
                            state, created + timedelta(seconds=n % 30)
                        ),
                    }
                )
            )
        for item in history:
            executions.save(item, [])
    return execution.id


def big_running(client: httpx.Client, db_url: str) -> None:
    """A running execution of 10,000 task runs, followed while its last runs end one by one
    (written in the store, as the executor would): the delay from each end to its arrival."""
    now = datetime.now(UTC)
    execution = Execution.model_validate(
        {
            "id": "bigrunning000000000001",
            "namespace": "bench.ui",
            "flowId": "ticker",
            "state": RunState.start(State.CREATED, now).to(State.RUNNING, now),
        }
    )
    runs = big_runs(execution.id, now, BIG_RUNS, running=10)
    with Database(db_url) as db:
        store = SqlExecutionStore(db)
        store.save(execution, runs)
        events: list[tuple[str, float, str]] = []
        path = f"{API}/executions/{execution.id}/follow"
        reader = threading.Thread(target=sse, args=(client, path, events), daemon=True)
        reader.start()
        while not events:
            time.sleep(0.05)
        print(f"  first event of a running one's follow: {events[0][1] - now.timestamp():.1f} s")
        ended: dict[str, float] = {}
        for run in runs[-10:]:
            time.sleep(0.3)
            done = run.model_copy(update={"state": run.state.to(State.SUCCESS, datetime.now(UTC))})
            ended[run.id] = time.time()
            store.save(None, [done])
        final = execution.model_copy(
            update={"state": execution.state.to(State.SUCCESS, datetime.now(UTC))}
        )
        store.save(final, [])
        reader.join(120)
    delays = []
    for run_id, when in ended.items():
        for event, arrival, data in events:
            if event == "message" and run_id in data:
                document = json.loads(data)
                run = next(r for r in document["taskRunList"] if r["id"] == run_id)
                if run["state"]["current"] == "SUCCESS":
                    delays.append(arrival - when)
                    break
    print(f"  a task run's end -> its follow stream: {summary(delays)}")


def timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> tuple[float, int]:
    """The median time of 5 calls, in ms, and the size of the answer."""
    times, size = [], 0
    for _ in range(5):
        began = time.perf_counter()
        response = client.request(method, path, headers=AUTH, **kwargs)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.text[:300]
        size = len(response.content)
    return statistics.median(times), size


def first_event(client: httpx.Client, path: str) -> float:
    began = time.perf_counter()
    with client.stream("GET", path, headers=AUTH, timeout=60) as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                return (time.perf_counter() - began) * 1000
    return float("nan")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data, flows = Path(folder) / "data", Path(folder) / "flows"
        flows.mkdir()
        (flows / "ticker.yaml").write_text(TICKER)
        data.mkdir()
        db_url = f"sqlite:///{data / 'tiercel.db'}"
        print(f"writing {BIG_RUNS:,} task runs, {BIG_LOGS:,} log lines, {HISTORY:,} executions")
        big = big_execution(db_url)
        port = free_port()
        server = start(data, flows, port)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                live_updates(client)
                took, size = timed(client, "GET", f"{API}/executions/{big}")
                print(f"GET /executions/{{id}} ({BIG_RUNS:,} runs): {took:.0f} ms, {size:,} B")
                print(
                    "  first event of its follow stream: "
                    f"{first_event(client, f'{API}/executions/{big}/follow'):.0f} ms"
                )
                big_running(client, db_url)
                took, size = timed(
                    client, "GET", f"{API}/logs/search", params={"executionId": big, "size": 100}
                )
                print(f"a page of its {BIG_LOGS:,} log lines (/logs/search): {took:.0f} ms")
                month = {"groupBy": "DAY"}
                took, _ = timed(client, "POST", f"{API}/stats/executions/daily", json=month)
                print(f"/stats/executions/daily, 30 days by day ({HISTORY:,}): {took:.0f} ms")
                hours = datetime.now(UTC) - timedelta(hours=6)
                recent = {"startDate": hours.isoformat(), "groupBy": "MINUTE"}
                took, _ = timed(client, "POST", f"{API}/stats/executions/daily", json=recent)
                print(f"/stats/executions/daily, 6 hours by minute: {took:.0f} ms")
                page = {"size": 25, "state": ["FAILED", "SUCCESS"], "namespace": "bench"}
                took, _ = timed(client, "GET", f"{API}/executions/search", params=page)
                print(f"/executions/search, a page of 25 (2 hold 10,000 runs): {took:.0f} ms")
                bare = {**page, "taskRuns": "false"}
                took, _ = timed(client, "GET", f"{API}/executions/search", params=bare)
                print(f"/executions/search, the same page with taskRuns=false: {took:.0f} ms")
                took, _ = timed(client, "GET", f"{API}/flows/bench.ui/ticker/graph")
                print(f"/flows/{{ns}}/{{id}}/graph: {took:.0f} ms")
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
