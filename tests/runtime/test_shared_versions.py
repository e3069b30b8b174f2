"""A rolling upgrade: payloads of another wire major version stay in the queue for a process
of their version (a real SQLite backend, real executor and worker)."""

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.runtime.conftest import deployed
from tiercel.engine import Wake
from tiercel.model.state import State
from tiercel.ops.ports import EndSignal
from tiercel.runtime.assembly import shared_executor
from tiercel.runtime.shared import RemoteRunner
from tiercel.runtime.shared_worker import SharedWorker
from tiercel.runtime.wire import MAJOR, encode_event
from tiercel.storage.work import Job
from tiercel.wiring.local import Backend

FLOW = """\
id: hello
namespace: versions
tasks:
  - id: say
    type: io.kestra.plugin.core.debug.Return
    format: "hello"
"""


def _newer(kind: str, body: object) -> bytes:
    return json.dumps({"major": MAJOR + 1, "minor": 0, "kind": kind, "body": body}).encode()


def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_worker_gives_a_newer_job_back_and_runs_the_others(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    flows = deployed(backend, FLOW)
    now = backend.services.clock()
    backend.work.enqueue([Job("future-run", "future-exec", _newer("run-task", {}), now)])
    ends = EndSignal()
    executor = shared_executor(backend.services, flows.find, backend.work, on_end=ends.ended)
    worker = SharedWorker(
        backend.services, flows.find, backend.work, threads=2, lease=timedelta(seconds=2)
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    executor.start()
    caplog.set_level(logging.ERROR, logger="tiercel.shared")
    thread.start()
    try:
        # The newer job is the oldest: the worker meets it first, and still runs the rest.
        flow = flows.find("versions", "hello", None)
        assert flow is not None
        execution = RemoteRunner(backend.services, backend.work).create(flow)
        ended = ends.wait(execution.id, 15)
        time.sleep(0.3)  # more polls: the job must not be claimed again
    finally:
        stop.set()
        thread.join(10)
        executor.stop()
    assert ended is not None and ended.state.current is State.SUCCESS
    # Back in the queue, unclaimed, as it was: a worker of its version takes it.
    assert backend.work.counts() == (1, 0)
    (job,) = backend.work.claim("newer-worker", 5, now=now, lease=timedelta(seconds=5))
    assert (job.task_run_id, job.payload) == ("future-run", _newer("run-task", {}))
    refusals = [r.getMessage() for r in caplog.records if "future-run" in r.getMessage()]
    assert refusals == [
        "job of task run future-run (execution future-exec) is given back for a worker of its "
        f"version: a 'run-task' payload of wire version {MAJOR + 1}.0, this process reads "
        f"version {MAJOR}.x"
    ]


def test_an_executor_leaves_a_newer_event_in_the_inbox_and_applies_the_others(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    flows = deployed(backend, FLOW)
    now = backend.services.clock()
    backend.work.post("future-exec", _newer("wake", {"task_run_id": "x"}), now=now)
    backend.work.post("other-exec", encode_event(Wake("gone")), now=now)  # read, applied
    ends = EndSignal()
    executor = shared_executor(backend.services, flows.find, backend.work, on_end=ends.ended)
    worker = SharedWorker(
        backend.services, flows.find, backend.work, threads=2, lease=timedelta(seconds=2)
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    caplog.set_level(logging.ERROR, logger="tiercel.shared")
    executor.start()
    thread.start()
    try:
        flow = flows.find("versions", "hello", None)
        assert flow is not None
        execution = RemoteRunner(backend.services, backend.work).create(flow)
        ended = ends.wait(execution.id, 15)
        _until(lambda: len(backend.work.take(0, 10)) == 1)
        time.sleep(0.3)  # more reads of the inbox: said once
    finally:
        stop.set()
        thread.join(10)
        executor.stop()
    assert ended is not None and ended.state.current is State.SUCCESS
    (left,) = backend.work.take(0, 10)
    assert (left.execution_id, left.payload) == (
        "future-exec",
        _newer("wake", {"task_run_id": "x"}),
    )
    refusals = [r.getMessage() for r in caplog.records if "future-exec" in r.getMessage()]
    assert len(refusals) == 1
    assert refusals[0].startswith(
        f"inbox item {left.seq} (execution future-exec) is left in the inbox for an executor "
        f"of its version: a 'wake' payload of wire version {MAJOR + 1}.0"
    )


def test_a_damaged_inbox_item_is_dropped_with_a_line(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    flows = deployed(backend, FLOW)
    backend.work.post("broken-exec", b"\x80\x04not json", now=backend.services.clock())
    executor = shared_executor(backend.services, flows.find, backend.work)
    caplog.set_level(logging.ERROR, logger="tiercel.shared")
    executor.start()
    try:
        _until(lambda: backend.work.take(0, 10) == [])
    finally:
        executor.stop()
    assert any(
        "cannot be read, dropped: not a wire payload" in r.getMessage() for r in caplog.records
    )
