"""An executor and a worker in one process (``server standalone``): the jobs the worker has
free threads for are stored claimed by it in the step's transaction and handed over in
memory, without a claim; the others wait in the table as before (a real SQLite backend)."""

import threading
from datetime import timedelta

import pytest

from tests.runtime.conftest import deployed
from tiercel.model.state import State
from tiercel.ops.ports import EndSignal
from tiercel.runtime.assembly import shared_executor
from tiercel.runtime.queue_dispatch import QueueDispatcher
from tiercel.runtime.shared import RemoteRunner
from tiercel.runtime.shared_worker import SharedWorker
from tiercel.storage.work import Job, WorkerRecord
from tiercel.wiring.local import Backend

FLOW = """\
id: pair
namespace: handover
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "one"
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.first.value }} two"
"""


def test_the_worker_of_the_executors_process_runs_its_jobs_without_claiming_them(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    claimed: list[str] = []
    claim = backend.work.claim

    def counted(*args: object, **kwargs: object) -> list[Job]:
        jobs = claim(*args, **kwargs)  # type: ignore[arg-type]
        claimed.extend(job.task_run_id for job in jobs)
        return jobs

    monkeypatch.setattr(backend.work, "claim", counted)
    flows = deployed(backend, FLOW)
    ends = EndSignal()
    executor = shared_executor(backend.services, flows.find, backend.work, on_end=ends.ended)
    worker = SharedWorker(
        backend.services, flows.find, backend.work, threads=4, lease=timedelta(seconds=5)
    )
    dispatcher = executor.executor.dispatcher
    assert isinstance(dispatcher, QueueDispatcher)
    dispatcher.worker = worker  # as ``server standalone`` wires them
    worker.on_posted = executor.posted
    stop = threading.Event()
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    executor.start()
    thread.start()
    try:
        flow = flows.find("handover", "pair", None)
        assert flow is not None
        runner = RemoteRunner(backend.services, backend.work)
        ids, ended = [], []
        for _ in range(5):  # one after another: a thread is free for each task
            ids.append(runner.create(flow).id)
            ended.append(ends.wait(ids[-1], 15))
    finally:
        stop.set()
        thread.join(10)
        executor.stop()
    assert [e.state.current if e else None for e in ended] == [State.SUCCESS] * 5
    stored = backend.services.executions.load(ids[0])
    assert stored is not None
    assert [run.outputs for run in stored[1]] == [{"value": "one"}, {"value": "one two"}]
    # Each of the 10 jobs found a free thread, unless the worker's poll held them all for a
    # moment: a job then waits in the table for a claim, as from another process.
    assert len(claimed) < 5
    assert backend.work.counts() == (0, 0)


def test_a_job_stored_claimed_is_its_workers_alone_until_its_lease_expires(
    backend: Backend,
) -> None:
    now = backend.services.clock()
    lease = timedelta(seconds=5)
    job = Job("run-1", "exec-1", b"{}", now, worker_id="here", lease_until=now + lease)
    backend.work.enqueue([job])
    assert backend.work.claim("elsewhere", 5, now=now, lease=lease) == []
    assert backend.work.counts() == (0, 1)
    assert backend.work.expired(now + timedelta(seconds=4)) == []
    record = WorkerRecord("here", "host", 1, 4, now, now + timedelta(seconds=3))
    assert [j.task_run_id for j in backend.work.renew(record, lease=lease)] == ["run-1"]
    assert backend.work.expired(now + timedelta(seconds=7)) == []  # renewed until +8
    (taken_back,) = backend.work.expired(now + timedelta(seconds=9))
    assert (taken_back.task_run_id, taken_back.worker_id) == ("run-1", "here")


def test_threads_set_aside_for_jobs_not_stored_are_free_again(backend: Backend) -> None:
    flows = deployed(backend, FLOW)
    worker = SharedWorker(backend.services, flows.find, backend.work, threads=2, poll=5.0)
    assert worker.reserve(1) == 0  # not serving: nothing is taken in memory
    stop = threading.Event()
    thread = threading.Thread(target=worker.serve, args=(stop,), daemon=True)
    thread.start()
    try:
        _until_reserved(worker)
        assert worker.reserve(1) == 1  # the other thread, as free
        assert worker.reserve(1) == 0
        worker.unreserve(2)
        assert worker.reserve(5) == 2
        worker.unreserve(2)
    finally:
        stop.set()
        thread.join(10)


def test_jobs_handed_to_a_stopped_worker_go_back_to_the_table(backend: Backend) -> None:
    flows = deployed(backend, FLOW)
    worker = SharedWorker(
        backend.services, flows.find, backend.work, threads=2, worker_id="stopped"
    )
    now = backend.services.clock()
    job = Job("run-1", "exec-1", b"{}", now, worker_id="stopped", lease_until=now)
    backend.work.enqueue([job])
    worker.hand([job])
    assert backend.work.counts() == (1, 0)  # unclaimed: the next worker claims it
    (again,) = backend.work.claim("next", 5, now=now, lease=timedelta(seconds=5))
    assert again.task_run_id == "run-1"


def _until_reserved(worker: SharedWorker) -> None:
    """Wait until the serving worker takes jobs in memory, holding one thread."""
    for _ in range(500):
        if worker.reserve(1):
            return
        threading.Event().wait(0.01)
    raise AssertionError("the worker never took jobs in memory")
