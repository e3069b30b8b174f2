"""Kestra's own test flows whose expectations need a server: webhooks, Flow triggers, the
scheduler, restart, replay, resume, kill and flow concurrency.

Every case runs against a real server (``running_server``) holding the whole corpus, as
Kestra's tests load the whole directory: several flows call or trigger each other. Which cases
need a server is read from the catalog (trigger types and notes); what each case asks of the
server (the requests to make, in order) is the table ``SCENARIOS``, since the notes say it in
words. The scheduler never runs on its own clock here: scenarios call ``Scheduler.tick`` with
the time they choose.

Cases that do not pass yet are strict expected failures, each with its reason (``NOT_YET``).
"""

import base64
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests.compat.corpus import FLOWS, Entry, entries
from tiercel.model.execution import Execution, TaskRun
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.ops.flows import FlowError
from tiercel.runtime.scheduler import Scheduler
from tiercel.wiring.server import Server, ServerConfig, running_server

TIMEOUT_S = 15.0
QUIET_S = 0.5
"""How long a scenario waits to see that something does not happen."""

BASE = "/api/v1/main/executions"
FLOW_TRIGGER = "io.kestra.plugin.core.trigger.Flow"
SERVER_TRIGGERS = ("io.kestra.plugin.core.trigger.Webhook", "io.kestra.plugin.fs.http.Trigger")
SERVER_NOTES = re.compile(
    r"\brestart|\breplay\b|\bresumed\b|\bmarking\b|\bscheduler\b|scheduleDate|"
    r"concurrency limit|killed via API|Flow trigger|\btrigger(s|ed)?\b.*\blistener|"
    r"listener\S* .*\btrigger|does not trigger|\brun (twice|after)\b|\bafter flow-",
    re.IGNORECASE,
)

# What the Java tests configure around these flows.
ENVIRONMENT = {"SECRET_WEBHOOK_KEY": base64.b64encode(b"secretKey").decode()}

Run = tuple[Execution, list[TaskRun]]


def needs_server(entry: Entry, case: dict[str, Any]) -> bool:
    """Whether Kestra's test of this case goes through a server: a webhook or polling
    trigger, a flow started by a Flow trigger, or notes that speak of the scheduler, a
    restart, a replay, a resume, a kill, a concurrency limit or flows triggering others."""
    notes = case.get("notes") or ""
    if any(name in entry.types for name in SERVER_TRIGGERS):
        return True
    if notes.startswith("not run directly") and FLOW_TRIGGER in entry.types:
        return True
    return bool(SERVER_NOTES.search(notes))


def short(entry: Entry) -> str:
    return entry.file.rsplit("/flows/", 1)[-1]


def server_cases() -> Iterator[tuple[str, Entry, dict[str, Any]]]:
    """Every ``execution`` case of the catalog that needs a server, with its id."""
    for entry in entries():
        expect = entry.expect
        if not expect or expect["kind"] != "execution":
            continue
        for index, case in enumerate([expect, *(expect.get("other_cases") or [])]):
            if needs_server(entry, case):
                yield f"{short(entry)}#{index}", entry, case


# --- the server -----------------------------------------------------------------------------


@dataclass
class Harness:
    """A server holding the corpus, with an HTTP client for its API."""

    server: Server
    http: httpx.Client
    tmp: Path

    def flow(self, namespace: str, flow_id: str) -> Flow:
        flow = self.server.flows.find(namespace, flow_id)
        assert flow is not None, f"{namespace}.{flow_id} must be deployed"
        return flow

    def start(
        self, namespace: str, flow_id: str, inputs: dict[str, Any] | None = None, **kw: Any
    ) -> Execution:
        return self.server.executor.create(self.flow(namespace, flow_id), inputs, **kw)

    def run(self, namespace: str, flow_id: str, inputs: dict[str, Any] | None = None) -> Run:
        """Start an execution and wait for its end."""
        return self.ended(self.start(namespace, flow_id, inputs).id)

    def load(self, execution_id: str) -> Run:
        stored = self.server.services.executions.load(execution_id)
        assert stored is not None, execution_id
        return stored

    def until(self, execution_id: str, test: Callable[[Execution], bool]) -> Run:
        """The execution once ``test`` holds for its stored state."""
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            stored = self.server.services.executions.load(execution_id)
            if stored is not None and test(stored[0]):
                return stored
            assert time.monotonic() < deadline, f"{execution_id}: {stored and stored[0].state}"
            time.sleep(0.02)

    def ended(self, execution_id: str, after: int = 0) -> Run:
        """The execution once it has ended (with more than ``after`` state changes)."""
        return self.until(
            execution_id,
            lambda e: e.state.current.is_terminated and len(e.state.histories) > after,
        )

    def of_flow(self, namespace: str, flow_id: str) -> list[Run]:
        store = self.server.services.executions
        found = [store.load(i) for i in store.find(namespace=namespace, flow_id=flow_id)]
        return [run for run in found if run is not None]

    def await_ended(
        self, namespace: str, flow_id: str, count: int = 1, timeout: float = TIMEOUT_S
    ) -> list[Run]:
        """At least ``count`` ended executions of a flow, oldest end first."""
        deadline = time.monotonic() + timeout
        while True:
            done = [r for r in self.of_flow(namespace, flow_id) if r[0].state.current.is_terminated]
            if len(done) >= count:
                return sorted(done, key=lambda r: r[0].state.end_date or r[0].state.start_date)
            assert time.monotonic() < deadline, f"{len(done)} of {count} {flow_id} ended"
            time.sleep(0.02)

    def tick(self, now: datetime, flow_id: str) -> list[str]:
        """Tick the scheduler at ``now``; the executions it started of one flow (every
        Schedule and polling trigger of the corpus is evaluated)."""
        started = self.server.scheduler.tick(now)
        return [i for i in started if self.load(i)[0].flow_id == flow_id]

    def none_of(self, namespace: str, flow_id: str) -> None:
        time.sleep(QUIET_S)
        assert self.of_flow(namespace, flow_id) == [], f"{flow_id} must not have run"


def _deploy_corpus(server: Server) -> None:
    for path in sorted(FLOWS.rglob("*.y*ml")):
        try:
            server.flows.deploy(path.read_text(), name=str(path))
        except FlowError:
            continue  # an invalid flow, or a file of several: Kestra's loader skips them too


def _idle(self: Scheduler, stop: Any) -> None:
    stop.wait()


@pytest.fixture(scope="module")
def corpus_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the whole corpus deployed, copied for each case."""
    data = tmp_path_factory.mktemp("server-corpus") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Scheduler, "serve", _idle)
        with running_server(ServerConfig(data_dir=data, threads=2)) as server:
            _deploy_corpus(server)
    return data


@pytest.fixture
def harness(
    corpus_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Harness]:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    # Scenarios tick the scheduler themselves, with the time they choose.
    monkeypatch.setattr(Scheduler, "serve", _idle)
    data = tmp_path / "data"
    shutil.copytree(corpus_data, data)
    with (
        running_server(ServerConfig(data_dir=data, threads=8)) as server,
        serving(server) as http,
    ):
        yield Harness(server, http, tmp_path)


@contextmanager
def serving(server: Server) -> Iterator[httpx.Client]:
    """The server's API on a free local port, and a client for it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = uvicorn.Server(
        uvicorn.Config(server.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=api.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not api.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield http
    finally:
        api.should_exit = True
        thread.join(10)


# --- checks ---------------------------------------------------------------------------------


def check(case: dict[str, Any], run: Run) -> None:
    """What the catalog asserts of a run: its state, task-run count and outputs."""
    execution, runs = run
    if case.get("state") is not None:
        assert execution.state.current.value == case["state"], execution.flow_id
    if case.get("taskrun_count") is not None:
        assert len(runs) == case["taskrun_count"], execution.flow_id
    expected = case.get("outputs") or {}
    outputs = {r.task_id: r.outputs for r in runs}
    for task_id, values in (expected.get("task_outputs") or {}).items():
        assert outputs.get(task_id) == values, task_id
    for key, value in (expected.get("flow_outputs") or {}).items():
        assert (execution.outputs or {}).get(key) == value, key


def states(execution: Execution) -> list[str]:
    return [h.state.value for h in execution.state.histories]


def trigger_of(run: Run) -> dict[str, Any]:
    trigger = run[0].trigger
    assert trigger is not None
    return dict(trigger.variables or {})


# --- scenarios: the requests each case needs, in Kestra's tests' order ----------------------
#
# Each gets the case's own flow (namespace, id) and expectation, and checks that case.

Scenario = Callable[[Harness, Entry, dict[str, Any]], None]
TESTS = "io.kestra.tests"
TRIGGER = "io.kestra.tests.trigger"


def webhook(
    method: str, key: str, bodies: tuple[tuple[Any, int], ...] = ((None, 200),)
) -> Scenario:
    """Call the flow's webhook with each body; 200 must start an execution, 204 none."""

    def scenario(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
        url = f"{BASE}/webhook/{entry.namespace}/{entry.id}/{key}"
        started = []
        for body, status in bodies:
            response = h.http.request(method, url, json=body)
            assert response.status_code == status, response.text
            if status == 200:
                started.append(response.json()["id"])
        for execution_id in started:
            run = h.ended(execution_id)
            assert run[0].trigger is not None and run[0].trigger.type.endswith("Webhook")
            check(case, run)
        assert len(h.of_flow(entry.namespace, entry.id)) == len(started)

    return scenario


def preconditions(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    namespace = "io.kestra.tests.trigger.preconditions"
    runs = [
        h.run(namespace, "flow-trigger-preconditions-flow-a"),
        h.run(namespace, "flow-trigger-preconditions-flow-a"),
        h.run(namespace, "flow-trigger-preconditions-flow-b"),
    ]
    listened = h.await_ended(namespace, "flow-trigger-preconditions-flow-listen")
    for run in [*runs, *listened]:
        if run[0].flow_id == entry.id:
            check(case, run)


def flow_trigger(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    upstream = h.run(TRIGGER, "trigger-flow")
    (listener,) = h.await_ended(TRIGGER, "trigger-flow-listener")
    (no_inputs,) = h.await_ended(TRIGGER, "trigger-flow-listener-no-inputs")
    for run in (listener, no_inputs):
        variables = trigger_of(run)
        assert variables["executionId"] == upstream[0].id
        assert (variables["namespace"], variables["flowId"]) == (TRIGGER, "trigger-flow")
    assert listener[1][0].outputs == {"value": f"childs: from parents: {upstream[0].id}"}
    check(
        case,
        {"trigger-flow": upstream, **{r[0].flow_id: r for r in (listener, no_inputs)}}[entry.id],
    )


def flow_trigger_with_pause(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    namespace = "io.kestra.tests.trigger.pause"
    upstream = h.run(namespace, "trigger-flow-with-pause")
    # The upstream has ended: its listeners start at once and run one task.
    listened = h.await_ended(namespace, "trigger-flow-listener-with-pause", 4, timeout=3)
    assert [(r[0].outputs or {}).get("status") for r in listened] == [
        "RUNNING",
        "PAUSED",
        "RUNNING",
        "SUCCESS",
    ]
    for run in [upstream, *listened]:
        if run[0].flow_id == entry.id:
            check(case, run)


def multiple_condition(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    first = h.run(TRIGGER, "trigger-multiplecondition-flow-a")
    h.none_of(TRIGGER, "trigger-multiplecondition-listener")
    second = h.run(TRIGGER, "trigger-multiplecondition-flow-b")
    (listener,) = h.await_ended(TRIGGER, "trigger-multiplecondition-listener")
    variables = trigger_of(listener)
    assert variables["executionId"] == second[0].id
    assert (variables["namespace"], variables["flowId"]) == (TRIGGER, second[0].flow_id)
    check(case, {r[0].flow_id: r for r in (first, second, listener)}[entry.id])


def multiple_condition_failed(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    # The listener Kestra's test waits for (trigger-flow-listener-namespace-condition) is not
    # part of the corpus; the runs of flow-c and flow-d are.
    failed = h.run(TRIGGER, "trigger-multiplecondition-flow-c")
    time.sleep(QUIET_S)
    succeeded = h.run(TRIGGER, "trigger-multiplecondition-flow-d")
    check(case, {r[0].flow_id: r for r in (failed, succeeded)}[entry.id])


def toggle(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    store = h.server.services.triggers
    record = store.get(entry.namespace, entry.id, "schedule")
    assert record is not None
    store.save(replace(record, disabled=True))
    check(case, h.run(entry.namespace, entry.id))
    record = store.get(entry.namespace, entry.id, "schedule")
    assert record is not None and not record.disabled
    # Enabled again, the schedule fires at its next minute.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    assert h.tick(now, entry.id) == []
    (fired,) = h.tick(now + timedelta(minutes=1), entry.id)
    check(case, h.ended(fired))


def schedule_date(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    at = datetime.now(UTC) + timedelta(seconds=1)
    created = h.start(entry.namespace, entry.id, schedule_date=at)
    assert created.state.current is State.CREATED
    run = h.ended(created.id)
    assert run[0].state.start_date <= at <= (run[0].state.end_date or at)
    check(case, run)


def polling(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    (started,) = h.tick(datetime.now(UTC), entry.id)
    check(case, h.ended(started))


def restart(times: int, after: Callable[[Run], None]) -> Scenario:
    """Run the flow, check the first run, restart it ``times`` times, check with ``after``."""

    def scenario(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
        run = h.run(entry.namespace, entry.id)
        check(case, run)
        for _ in range(times):
            seen = len(run[0].state.histories)
            response = h.http.post(f"{BASE}/{run[0].id}/restart")
            assert response.status_code == 200, response.text
            run = h.ended(run[0].id, after=seen)
            assert run[0].parent_id is None
            assert "RESTARTED" in states(run[0])[seen:]
        after(run)

    return scenario


def _always_failed(run: Run) -> None:
    execution, runs = run
    assert execution.state.current is State.FAILED
    assert len(runs) == 2
    assert len(runs[0].attempts) == 2


def _last_failed(run: Run) -> None:
    execution, runs = run
    assert execution.state.current is State.SUCCESS
    assert len(runs) == 4
    assert len(runs[2].attempts) == 2
    assert {r.state.current for r in runs} == {State.SUCCESS}


def _local_errors(run: Run) -> None:
    execution, runs = run
    assert execution.state.current is State.FAILED
    assert len(runs) == 5
    (fail_step,) = [r for r in runs if r.task_id == "failStep"]
    assert len(fail_step.attempts) == 2


def _failed(run: Run) -> None:
    assert run[0].state.current is State.FAILED


def replay(
    task_id: str | None, inputs: Callable[[Harness], dict[str, Any]] | None = None
) -> Scenario:
    """Run the flow, check it, and replay it from ``task_id``'s run (from the start for None):
    a new execution that names the first as its original and ends as the first did."""

    def scenario(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
        first = h.run(entry.namespace, entry.id, inputs(h) if inputs else None)
        check(case, first)
        params = {}
        if task_id is not None:
            (chosen,) = [r for r in first[1] if r.task_id == task_id]
            params["taskRunId"] = chosen.id
        response = h.http.post(f"{BASE}/{first[0].id}/replay", params=params)
        assert response.status_code == 200, response.text
        # The copy starts as the first ended: it has ended again once it has more states.
        replayed = h.ended(response.json()["id"], after=len(first[0].state.histories))
        assert replayed[0].id != first[0].id
        assert replayed[0].original_id == first[0].id
        assert "RESTARTED" in states(replayed[0]) or task_id is None
        assert replayed[0].state.current is first[0].state.current
        assert len(replayed[1]) == len(first[1])
        before = {r.id for r in first[1]}
        assert not before & {r.id for r in replayed[1]}, "replayed runs get new ids"

    return scenario


def _restart_inputs(h: Harness) -> dict[str, Any]:
    path = h.tmp / "hello.txt"
    path.write_text("hello\n")
    given = {
        "string": "myString",
        "int": "42",
        "float": "42.42",
        "instant": "2019-10-06T18:27:49Z",
        "file": str(path),
    }
    return given


def restart_refused_without_failure(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    replay("instant", _restart_inputs)(h, entry, case)
    (original,) = [r for r in h.of_flow(entry.namespace, entry.id) if r[0].original_id is None]
    response = h.http.post(f"{BASE}/{original[0].id}/restart")
    assert response.status_code >= 400
    assert "No task found to restart" in response.text


def paused(h: Harness, namespace: str, flow_id: str) -> Run:
    created = h.start(namespace, flow_id)
    return h.until(created.id, lambda e: e.state.current is State.PAUSED)


def resume_pause(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    run = paused(h, entry.namespace, entry.id)
    check(case, run)
    assert run[1][0].state.current is State.PAUSED
    response = h.http.post(f"{BASE}/{run[0].id}/resume")
    assert response.status_code == 204, response.text
    ended = h.ended(run[0].id)
    assert ended[0].state.current is State.SUCCESS
    again = h.http.post(f"{BASE}/{run[0].id}/resume")
    assert again.status_code >= 400, "an execution no longer paused cannot be resumed"


def resume_with_inputs(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    run = paused(h, entry.namespace, entry.id)
    check(case, run)
    missing = h.http.post(f"{BASE}/{run[0].id}/resume")
    assert 400 <= missing.status_code < 500, missing.text
    assert "Invalid input for `asked`, missing required input" in missing.text
    response = h.http.post(
        f"{BASE}/{run[0].id}/resume",
        data={"asked": "restarted"},
        files={"data": ("data.txt", run[0].id.encode())},
    )
    assert response.status_code == 204, response.text
    execution, runs = h.ended(run[0].id)
    assert execution.state.current is State.SUCCESS
    values = {r.task_id: r.outputs for r in runs}["last"]
    assert values is not None
    assert values["values"]["asked"] == "restarted"
    assert values["values"]["data"].startswith("kestra://")
    assert h.server.services.storage.read_bytes(values["values"]["data"]) == run[0].id.encode()


def resume_optional(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    run = paused(h, entry.namespace, entry.id)
    check(case, run)
    response = h.http.post(f"{BASE}/{run[0].id}/resume")
    assert response.status_code == 204, response.text
    execution, runs = h.ended(run[0].id)
    assert execution.state.current is State.SUCCESS
    values = {r.task_id: r.outputs for r in runs}["last"]
    assert values == {"values": {"asked": "MISSING"}}


def resume_task(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    waiting = paused(h, TESTS, "pause")
    check(case, h.run(entry.namespace, entry.id, {"executionId": waiting[0].id}))
    assert h.ended(waiting[0].id)[0].state.current is State.SUCCESS


def kill(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    for _ in range(3):
        created = h.start(entry.namespace, entry.id)
        h.until(created.id, lambda e: e.state.current is State.RUNNING)
        response = h.http.post(f"{BASE}/{created.id}/kill")
        if response.status_code != 409:
            break
        # The flow's task may end before the kill arrives (a one-second Sleep on a loaded
        # machine): then the answer says so, and the run really ended on its own. Again.
        assert "has already ended (SUCCESS)" in response.text, response.text
        assert h.ended(created.id)[0].state.current is State.SUCCESS
    assert response.status_code == 202, response.text
    execution, runs = h.ended(created.id)
    assert execution.state.current is State.KILLED
    assert "KILLING" in states(execution)
    assert [r.state.current for r in runs] == [State.KILLED]


def concurrency_cancel(h: Harness, entry: Entry, case: dict[str, Any]) -> None:
    first = h.start(entry.namespace, entry.id)
    h.until(first.id, lambda e: e.state.current is State.RUNNING)
    second = h.start(entry.namespace, entry.id)
    assert h.ended(second.id)[0].state.current is State.CANCELLED
    check(case, h.ended(first.id))


SCENARIOS: dict[str, Scenario] = {
    "valids/webhook-dynamic-key.yaml#0": webhook("GET", "webhook-dynamic-key"),
    "valids/webhook-secret-key.yaml#0": webhook("GET", "secretKey"),
    "valids/webhook-with-condition.yaml#0": webhook(
        "POST", "webhookKey", (({"hello": "world"}, 200), ({"hello": "webhook"}, 204))
    ),
    "valids/flow-trigger-preconditions-flow-a.yaml#0": preconditions,
    "valids/flow-trigger-preconditions-flow-b.yaml#0": preconditions,
    "valids/flow-trigger-preconditions-flow-listen.yaml#0": preconditions,
    "valids/trigger-flow.yaml#0": flow_trigger,
    "valids/trigger-flow-listener.yaml#0": flow_trigger,
    "valids/trigger-flow-listener-no-inputs.yaml#0": flow_trigger,
    "valids/trigger-flow-with-pause.yaml#0": flow_trigger_with_pause,
    "valids/trigger-flow-listener-with-pause.yaml#0": flow_trigger_with_pause,
    "valids/trigger-multiplecondition-flow-a.yaml#0": multiple_condition,
    "valids/trigger-multiplecondition-flow-b.yaml#0": multiple_condition,
    "valids/trigger-multiplecondition-listener.yaml#0": multiple_condition,
    "valids/trigger-multiplecondition-flow-c.yaml#0": multiple_condition_failed,
    "valids/trigger-multiplecondition-flow-d.yaml#0": multiple_condition_failed,
    "valids/trigger-toggle.yaml#0": toggle,
    "valids/minimal.yaml#0": schedule_date,
    "valids/http-listen.yaml#0": polling,
    "valids/http-listen-encrypted.yaml#0": polling,
    "valids/failed-first.yaml#0": restart(2, _failed),
    "valids/restart_always_failed.yaml#0": restart(1, _always_failed),
    "valids/restart_last_failed.yaml#0": restart(1, _last_failed),
    "valids/restart_local_errors.yaml#0": restart(1, _local_errors),
    "valids/logs.yaml#0": replay("t2"),
    "valids/parallel-nested.yaml#0": replay("1-3-2_par"),
    "valids/restart_with_inputs.yaml#0": restart_refused_without_failure,
    "valids/pause.yaml#0": resume_pause,
    "valids/pause_on_resume.yaml#0": resume_with_inputs,
    "valids/pause_on_resume_optional.yaml#0": resume_optional,
    "valids/resume-execution.yaml#0": resume_task,
    "valids/sleep.yml#0": kill,
    "valids/flow-concurrency-cancel.yml#0": concurrency_cancel,
}

# Cases that need Kestra's Java-only test plugins: no server can run them.
TEST_PLUGINS = {"valids/dynamic-task.yaml#0"}

# Why a case does not pass yet.
NOT_YET: dict[str, str] = {}


def test_every_server_case_has_a_scenario() -> None:
    found = {case_id for case_id, _, _ in server_cases()}
    assert found == set(SCENARIOS) | TEST_PLUGINS


def _params() -> Iterator[Any]:
    for case_id, entry, case in server_cases():
        if case_id in TEST_PLUGINS:
            continue
        marks = (
            [pytest.mark.xfail(reason=NOT_YET[case_id], strict=True)] if case_id in NOT_YET else []
        )
        yield pytest.param(case_id, entry, case, id=case_id, marks=marks)


# A canned answer for the public API the HTTP trigger flows poll: no test reaches the network.
_JOKES = "api.chucknorris.io"
_send = httpx.HTTPTransport.handle_request


def _offline(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    if request.url.host == _JOKES:
        return httpx.Response(200, json={"id": "j0ke", "value": "a joke"}, request=request)
    return _send(self, request)


@pytest.mark.parametrize(("case_id", "entry", "case"), list(_params()))
def test_server_case(
    case_id: str,
    entry: Entry,
    case: dict[str, Any],
    harness: Harness,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", _offline)
    SCENARIOS[case_id](harness, entry, case)
