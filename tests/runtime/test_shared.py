"""Executors and workers sharing work through the backend's work queue (SQLite here; the
end-to-end test runs separate processes on PostgreSQL)."""

import itertools
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

from tests.runtime.conftest import deployed
from tiercel.engine import Kill
from tiercel.model.state import State
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndSignal
from tiercel.runtime.assembly import shared_executor
from tiercel.runtime.shared import RemoteRunner
from tiercel.runtime.shared_worker import SharedWorker
from tiercel.wiring.local import Backend, open_backend, sqlite_url
from tiercel.wiring.server import ServerConfig, running_server

FLOW = """\
id: fan
namespace: shared
tasks:
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: shell
        type: io.kestra.plugin.scripts.shell.Commands
        commands: ["echo from a worker"]
      - id: ret
        type: io.kestra.plugin.core.debug.Return
        format: "{{ execution.id }}"
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: write
        type: io.kestra.plugin.scripts.shell.Commands
        commands: ["echo kept > note.txt"]
      - id: read
        type: io.kestra.plugin.scripts.shell.Commands
        commands: ["cat note.txt"]
"""

SLOW = """\
id: slow
namespace: shared
tasks:
  - id: nap
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ["sleep {{ inputs.seconds }}"]
inputs:
  - id: seconds
    type: STRING
"""


class Worker:
    def __init__(self, backend: Backend, flows: Flows) -> None:
        self.worker = SharedWorker(
            backend.services, flows.find, backend.work, threads=4, lease=timedelta(seconds=2)
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.worker.serve, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)


def test_standalone_runs_every_task_through_the_queue(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path / "data", threads=4)
    with running_server(config, shared=True) as server:
        flow = server.flows.deploy(FLOW).flow
        ids = [server.executor.create(flow).id for _ in range(10)]
        ended = [server.ends.wait(eid, 30) for eid in ids]
        assert server.worker is not None
    assert [e.state.current if e else None for e in ended] == [State.SUCCESS] * 10
    with open_backend(sqlite_url(tmp_path / "data"), tmp_path / "data" / "storage") as opened:
        assert opened.work.counts() == (0, 0)  # every job was taken and answered
        assert opened.work.take(0, 10) == []  # every answer was applied
        stored = opened.services.executions.load(ids[0])
        assert stored is not None
        assert {run.task_id for run in stored[1]} == {
            "both",
            "shell",
            "ret",
            "dir",
            "write",
            "read",
        }


def test_a_result_outlives_the_executor_and_is_applied_by_the_next(backend: Backend) -> None:
    flows = deployed(backend, FLOW, SLOW)
    runner = RemoteRunner(backend.services, backend.work)
    worker = Worker(backend, flows)
    first = shared_executor(backend.services, flows.find, backend.work)
    first.start()
    try:
        execution = runner.create(flows.find("shared", "slow", None), {"seconds": "1"})
        deadline = time.monotonic() + 10
        while backend.work.counts()[1] == 0:  # the worker holds the job
            assert time.monotonic() < deadline
            time.sleep(0.02)
        first.stop(timeout=0)  # the executor goes while its task runs on
        while backend.work.take(0, 10) == []:  # the result waits in the inbox
            assert time.monotonic() < deadline
            time.sleep(0.05)
        ends = EndSignal()
        second = shared_executor(backend.services, flows.find, backend.work, on_end=ends.ended)
        second.start()
        try:
            ended = ends.wait(execution.id, 10)
        finally:
            second.stop()
    finally:
        worker.close()
    assert ended is not None and ended.state.current is State.SUCCESS
    stored = backend.services.executions.load(execution.id)
    assert stored is not None
    (run,) = stored[1]
    assert len(run.attempts) == 1  # nothing was run again


def test_a_worker_that_stops_renewing_its_lease_loses_its_run_to_another(
    backend: Backend,
) -> None:
    flows = deployed(backend, FLOW, SLOW)
    ends = EndSignal()
    executor = shared_executor(
        backend.services, flows.find, backend.work, on_end=ends.ended, lease=timedelta(seconds=1)
    )
    executor.start()
    try:
        execution = RemoteRunner(backend.services, backend.work).create(
            flows.find("shared", "slow", None), {"seconds": "0.2"}
        )
        now = backend.services.clock()
        deadline = time.monotonic() + 10
        claimed = []
        while not claimed:  # a worker that claims the job, then dies
            assert time.monotonic() < deadline
            claimed = backend.work.claim("ghost", 1, now=now, lease=timedelta(seconds=1))
        worker = Worker(backend, flows)
        try:
            ended = ends.wait(execution.id, 15)
        finally:
            worker.close()
    finally:
        executor.stop()
    assert ended is not None and ended.state.current is State.SUCCESS
    stored = backend.services.executions.load(execution.id)
    assert stored is not None
    (run,) = stored[1]
    assert [a.state.current for a in run.attempts] == [State.KILLED, State.SUCCESS]


def test_kill_reaches_a_script_on_a_worker(backend: Backend) -> None:
    flows = deployed(backend, FLOW, SLOW)
    ends = EndSignal()
    executor = shared_executor(backend.services, flows.find, backend.work, on_end=ends.ended)
    executor.start()
    worker = Worker(backend, flows)
    worker.worker.lease = timedelta(seconds=0.3)  # renews (and reads kill flags) every 0.1 s
    try:
        runner = RemoteRunner(backend.services, backend.work)
        execution = runner.create(flows.find("shared", "slow", None), {"seconds": "30"})
        deadline = time.monotonic() + 10
        while backend.work.counts()[1] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)  # the script is running
        started = time.monotonic()
        runner.send(execution.id, Kill())
        ended = ends.wait(execution.id, 10)
        assert ended is not None and ended.state.current is State.KILLED
        while backend.work.counts() != (0, 0):  # the worker let go of the job
            assert time.monotonic() - started < 10, "the script was not stopped"
            time.sleep(0.05)
    finally:
        worker.close()
        executor.stop()


def test_a_second_executor_stands_by_until_the_first_stops(backend: Backend) -> None:
    flows = deployed(backend, FLOW, SLOW)
    lease = timedelta(seconds=0.6)
    first = shared_executor(backend.services, flows.find, backend.work, lease=lease)
    first.start()
    ends = EndSignal()
    second = shared_executor(
        backend.services, flows.find, backend.work, on_end=ends.ended, lease=lease
    )
    standby = threading.Thread(target=second.start, daemon=True)
    standby.start()
    worker = Worker(backend, flows)
    try:
        standby.join(1.0)
        assert standby.is_alive(), "two executors ran at once"
        first.stop()
        standby.join(5.0)
        assert not standby.is_alive(), "the standby executor did not take over"
        execution = RemoteRunner(backend.services, backend.work).create(
            flows.find("shared", "slow", None), {"seconds": "0"}
        )
        ended = ends.wait(execution.id, 10)
        assert ended is not None and ended.state.current is State.SUCCESS
    finally:
        worker.close()
        second.stop()


def test_an_executor_killed_on_this_machine_is_not_waited_for(backend: Backend) -> None:
    flows = deployed(backend, FLOW, SLOW)
    now = backend.services.clock()
    gone = f"{socket.gethostname()}-999999-dead00"  # no such process runs here
    assert backend.work.hold("executor", gone, now=now, lease=timedelta(hours=1))
    elsewhere = "some-other-host-4242-abcdef"
    executor = shared_executor(backend.services, flows.find, backend.work)
    started = threading.Thread(target=executor.start, daemon=True)
    started.start()
    started.join(5)
    try:
        assert not started.is_alive(), "the executor waited for a dead holder's lease"
        assert backend.work.holder("executor") == executor.id
    finally:
        executor.stop()
    # A holder on another machine cannot be checked: its lease is waited for.
    assert backend.work.hold("executor", elsewhere, now=now, lease=timedelta(hours=1))
    standby = shared_executor(backend.services, flows.find, backend.work)
    waiting = threading.Thread(target=standby.start, daemon=True)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive()
    standby.stop()
    waiting.join(5)


ONE_AT_A_TIME = """\
id: one
namespace: shared
concurrency:
  limit: 1
tasks:
  - id: nap
    type: io.kestra.plugin.scripts.shell.Commands
    commands: ["sleep 0.3"]
"""


def test_concurrency_queues_executions_posted_by_other_processes(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path / "data", threads=4)
    data = tmp_path / "data"
    with (
        running_server(config, shared=True) as server,
        open_backend(sqlite_url(data), data / "storage") as elsewhere,
    ):
        flow = server.flows.deploy(ONE_AT_A_TIME).flow
        first = server.executor.create(flow)
        # As the API of a process without an executor does: stored, then admitted by it.
        remote = RemoteRunner(elsewhere.services, elsewhere.work)
        others = [remote.create(flow) for _ in range(2)]
        ended = [server.ends.wait(e.id, 30) for e in (first, *others)]
    assert [e.state.current if e else None for e in ended] == [State.SUCCESS] * 3
    runs = [e for e in ended if e is not None]
    queued = [e for e in runs if State.QUEUED in [h.state for h in e.state.histories]]
    assert len(queued) == 2
    spans = sorted(
        (next(h.date for h in e.state.histories if h.state is State.RUNNING), e.state.end_date)
        for e in runs
    )
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end is not None and end <= start, "two executions ran at once"
