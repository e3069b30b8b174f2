"""Kestra's JSON of a task run, from the model and from its stored JSON form: one function
shapes both, so the API's fast read (no model parsed) answers what the model would."""

import json
from datetime import UTC, datetime, timedelta, timezone

from tiercel.model.execution import (
    Attempt,
    RunState,
    TaskRun,
    evolve,
    state_json,
    task_run_json,
)
from tiercel.model.secrets import ENCRYPTED_TYPE, MASK
from tiercel.model.state import State

T0 = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def _state(final: State, start: datetime, seconds: float) -> RunState:
    running = RunState.start(State.CREATED, start).to(State.RUNNING, start)
    if final is State.RUNNING:
        return running
    return running.to(final, start + timedelta(seconds=seconds))


def _runs() -> list[TaskRun]:
    retried = _state(State.FAILED, T0, 0.25)
    return [
        TaskRun.model_construct(
            id="r1",
            execution_id="e1",
            namespace="company.team",
            flow_id="flow",
            task_id="each",
            parent_task_run_id=None,
            value=None,
            iteration=None,
            attempts=(),
            outputs=None,
            state=_state(State.SUCCESS, T0, 3723.5),
            memo={"values": ["a", "b"]},
        ),
        TaskRun.model_construct(
            id="r2",
            execution_id="e1",
            namespace="company.team",
            flow_id="flow",
            task_id="step",
            parent_task_run_id="r1",
            value="a",
            iteration=2,
            attempts=(
                Attempt.model_construct(state=retried),
                Attempt.model_construct(state=_state(State.SUCCESS, T0, 1)),
            ),
            outputs={
                "note": 'line 1\nline "2" é',
                "pw": {"type": ENCRYPTED_TYPE, "value": "cipher"},
                "n": [1, 2.5, None, True],
            },
            state=_state(State.SUCCESS, T0, 1),
            memo=None,
        ),
        TaskRun.model_construct(
            id="r3",
            execution_id="e1",
            namespace="company.team",
            flow_id="flow",
            task_id="wait",
            parent_task_run_id=None,
            value=None,
            iteration=None,
            attempts=(),
            outputs={},
            state=_state(State.RUNNING, T0.astimezone(timezone(timedelta(hours=2))), 0),
            memo=None,
        ),
    ]


def test_a_task_run_shows_as_kestra_writes_it() -> None:
    shown = _runs()[1].to_kestra_json()
    assert list(shown) == [
        "id",
        "executionId",
        "namespace",
        "flowId",
        "taskId",
        "parentTaskRunId",
        "value",
        "iteration",
        "attempts",
        "outputs",
        "state",
    ]
    assert shown["outputs"]["pw"] == MASK
    assert shown["outputs"]["note"] == 'line 1\nline "2" é'
    assert shown["attempts"][0]["state"] == {
        "current": "FAILED",
        "histories": [
            {"state": "CREATED", "date": "2024-05-01T08:30:00Z"},
            {"state": "RUNNING", "date": "2024-05-01T08:30:00Z"},
            {"state": "FAILED", "date": "2024-05-01T08:30:00.250000Z"},
        ],
        "startDate": "2024-05-01T08:30:00Z",
        "endDate": "2024-05-01T08:30:00.250000Z",
        "duration": "PT0.25S",
    }


def test_no_attempt_is_null_and_a_running_state_has_no_end() -> None:
    first, _, running = (run.to_kestra_json() for run in _runs())
    assert first["attempts"] is None
    assert first["state"]["duration"] == "PT1H2M3.5S"
    assert "memo" not in first
    assert running["state"]["endDate"] is None
    assert running["state"]["startDate"] == "2024-05-01T10:30:00+02:00"
    assert running["state"]["duration"] == "PT0S"
    assert running["outputs"] == {}


def test_the_stored_form_shows_as_the_model_does() -> None:
    for run in _runs():
        stored = json.loads(run.model_dump_json(by_alias=True))
        assert task_run_json(stored) == run.to_kestra_json(), run.id
        assert json.dumps(task_run_json(stored)) == json.dumps(run.to_kestra_json())


def test_outputs_are_not_walked_when_told_they_hold_nothing_encrypted() -> None:
    stored = json.loads(_runs()[1].model_dump_json(by_alias=True))
    assert task_run_json(stored, encrypted=False)["outputs"]["pw"]["type"] == ENCRYPTED_TYPE


def test_a_state_of_one_entry_lasts_nothing() -> None:
    shown = state_json({"current": "CREATED", "histories": [{"state": "CREATED", "date": "x"}]})
    assert shown["startDate"] == "x"
    assert shown["endDate"] is None
    assert shown["duration"] == "PT0S"


def test_records_sharing_a_field_name_set_copy_and_dump_as_pydantic_models_do() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first, second = RunState.start(State.CREATED, now), RunState.start(State.RUNNING, now)
    assert first.model_fields_set == {"current", "histories"} == second.model_fields_set
    assert first.model_fields_set is second.model_fields_set  # one set, not one per record
    changed = first.model_copy(update={"current": State.SUCCESS})
    assert changed.current is State.SUCCESS and first.current is State.CREATED
    assert second.model_fields_set == {"current", "histories"}  # the copy did not touch it
    assert first.model_dump(exclude_unset=True)["current"] is State.CREATED
    run = evolve(first, current=State.FAILED)
    assert run.model_fields_set == {"current", "histories"} and run.current is State.FAILED
