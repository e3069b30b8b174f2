"""Admission as a table: the flow's concurrency, the running count → run, queue, cancel or fail,
the state stored and Kestra's log line."""

from datetime import UTC, datetime

import pytest

from tiercel.engine.admission import Verdict, admit, free_slots
from tiercel.model.execution import Execution, RunState
from tiercel.model.flow import Concurrency, ConcurrencyBehavior
from tiercel.model.state import State
from tiercel.model.task import LogLevel

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
CREATED_AT = datetime(2026, 1, 2, 3, 4, 0, tzinfo=UTC)
QUEUE, CANCEL, FAIL = (
    ConcurrencyBehavior.QUEUE,
    ConcurrencyBehavior.CANCEL,
    ConcurrencyBehavior.FAIL,
)
QUEUED_LINE = "Execution is queued due to concurrency limit exceeded, {} running(s)"
FAILED_LINE = "Execution is FAILED due to concurrency limit exceeded"


def new_execution() -> Execution:
    return Execution.model_construct(
        id="e1",
        namespace="company.team",
        flow_id="f",
        flow_revision=1,
        state=RunState.start(State.CREATED, CREATED_AT),
        inputs={},
        labels=(),
    )


TABLE = [
    # limit, behavior, running → verdict, state, level, line
    (None, None, 0, Verdict.RUN, State.CREATED, None, None),
    (None, None, 1000, Verdict.RUN, State.CREATED, None, None),
    (1, QUEUE, 0, Verdict.RUN, State.CREATED, None, None),
    (2, FAIL, 1, Verdict.RUN, State.CREATED, None, None),
    (1, QUEUE, 1, Verdict.QUEUE, State.QUEUED, LogLevel.INFO, QUEUED_LINE.format(1)),
    (2, QUEUE, 3, Verdict.QUEUE, State.QUEUED, LogLevel.INFO, QUEUED_LINE.format(3)),
    (1, CANCEL, 1, Verdict.CANCEL, State.CANCELLED, None, None),
    (3, CANCEL, 5, Verdict.CANCEL, State.CANCELLED, None, None),
    (1, FAIL, 1, Verdict.FAIL, State.FAILED, LogLevel.ERROR, FAILED_LINE),
    (2, FAIL, 2, Verdict.FAIL, State.FAILED, LogLevel.ERROR, FAILED_LINE),
]


@pytest.mark.parametrize(
    ("limit", "behavior", "running", "verdict", "state", "level", "line"), TABLE
)
def test_admission(
    limit: int | None,
    behavior: ConcurrencyBehavior | None,
    running: int,
    verdict: Verdict,
    state: State,
    level: LogLevel | None,
    line: str | None,
) -> None:
    concurrency = None if limit is None else Concurrency(limit=limit, behavior=behavior)
    execution = new_execution()
    answer = admit(concurrency, execution, running, NOW)
    assert answer.verdict is verdict
    assert answer.execution.state.current is state
    assert (answer.level, answer.message) == (level, line)
    if verdict is Verdict.RUN:
        assert answer.execution is execution  # nothing to store anew
    else:
        histories = [(h.state, h.date) for h in answer.execution.state.histories]
        assert histories == [(State.CREATED, CREATED_AT), (state, NOW)]
        assert execution.state.current is State.CREATED  # the given one is left as it was


def test_the_default_behavior_is_kestras_queue() -> None:
    concurrency = Concurrency(limit=1)
    assert admit(concurrency, new_execution(), 1, NOW).verdict is Verdict.QUEUE


@pytest.mark.parametrize(
    ("limit", "running", "free"), [(None, 5, None), (1, 0, 1), (1, 1, 0), (3, 1, 2), (2, 5, 0)]
)
def test_free_slots(limit: int | None, running: int, free: int | None) -> None:
    concurrency = None if limit is None else Concurrency(limit=limit)
    assert free_slots(concurrency, running) == free
