"""The wire format between processes: every job and event kind read back as it was written,
payloads of another major version refused, damaged ones named, and the schema pinned."""

import json
import os
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import pytest

from tests.engine.harness import Run, load
from tiercel.engine import (
    ChangeTaskRunState,
    Event,
    Kill,
    Recover,
    Restart,
    Resume,
    RunTask,
    SetLabels,
    SharedDirectory,
    SlaExpired,
    Start,
    SubflowEnded,
    TaskResult,
    Wake,
)
from tiercel.model.flow import Flow
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import Task
from tiercel.runtime.wire import (
    EVENT_KINDS,
    MAJOR,
    MINOR,
    Admit,
    ForeignVersion,
    TaskFinder,
    WireError,
    decode_event,
    decode_job,
    encode_event,
    encode_job,
    json_schemas,
)

SCHEMA = Path(__file__).with_name("wire_schema.json")

FLOW = """\
id: wired
namespace: company.team
revision: 3
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name }}"
  - id: dir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: inside
        type: io.kestra.plugin.scripts.shell.Commands
        commands: ["echo {{ outputs.first.value }}"]
inputs:
  - id: name
    type: STRING
    defaults: wire
"""

EVENTS: list[Any] = [
    Start(),
    TaskResult("tr1", State.SUCCESS, {"value": "x", "n": [1, 2.5, None], "deep": {"ok": True}}),
    TaskResult("tr2", State.FAILED),
    Kill(),
    Kill(by="user 'ann' through the API"),
    Recover(),
    Recover(lost=frozenset({"tr1", "tr2"}), waits=False, started=frozenset({"tr1"})),
    Restart(),
    Restart(from_task_run_id="tr3"),
    Resume(),
    Resume(inputs={"approved": True, "note": "é ✓"}),
    SubflowEnded("tr4", "child", State.WARNING, {"out": 1}, {"t": {"value": "v"}}),
    SubflowEnded("tr4", "child", None),
    Wake("tr5"),
    Wake("tr5", timeout=True),
    ChangeTaskRunState("tr6", State.SUCCESS),
    SetLabels((Label(key="team", value="data"), Label(key="env", value="prod"))),
    SlaExpired("max-duration"),
    Admit(),
]


def _flow() -> Flow:
    return load(FLOW)


def _finder(flow: Flow, asked: list[tuple[str, str, int]] | None = None) -> TaskFinder:
    def find(namespace: str, flow_id: str, revision: int) -> Flow | None:
        if asked is not None:
            asked.append((namespace, flow_id, revision))
        found = (flow.namespace, flow.id, flow.revision)
        return flow if (namespace, flow_id, revision) == found else None

    return TaskFinder(find)


def _jobs(flow: Flow) -> list[RunTask]:
    """The real commands the engine sends for the flow: ``first``, then ``inside`` (in the
    working directory)."""
    run = Run(flow).start()
    first = run.queue.pop(0)
    run.send(TaskResult(first.run.id, State.SUCCESS, {"value": "wire"}))
    return [first, *run.queue]


def test_every_event_kind_is_on_the_wire() -> None:
    assert set(EVENT_KINDS.values()) == {*get_args(Event), Admit}
    assert {type(event) for event in EVENTS} == set(EVENT_KINDS.values())


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: type(event).__name__)
def test_an_event_reads_back_as_written(event: Any) -> None:
    payload = encode_event(event)
    envelope = json.loads(payload)
    assert (envelope["major"], envelope["minor"]) == (MAJOR, MINOR)
    assert envelope["kind"] in EVENT_KINDS
    assert decode_event(payload) == event


def test_a_job_reads_back_with_its_task_found_by_reference() -> None:
    flow = _flow()
    first, inside = _jobs(flow)
    asked: list[tuple[str, str, int]] = []
    finder = _finder(flow, asked)
    for command in (first, inside):
        payload = encode_job(command, 3)
        body = json.loads(payload)["body"]
        assert body["task_id"] == command.task.id
        assert "type" not in body  # the task is not serialised, only named
        decoded = decode_job(payload, finder)
        assert decoded.run == command.run
        assert decoded.task is command.task
        assert decoded.variables == command.variables
        assert decoded.finish is command.finish
        assert decoded.directory == command.directory
    assert inside.directory is not None  # the working directory travelled by reference
    assert asked == [("company.team", "wired", 3)]  # one flow lookup, then the index is kept


def test_a_finishing_flowable_job_reads_back() -> None:
    flow = _flow()
    _, inside = _jobs(flow)
    directory = inside.directory
    assert directory is not None
    owner: Task = directory.owner
    command = RunTask(
        inside.run,
        owner,
        {"secret": {"type": "io.kestra.datatype:aes_encrypted", "value": "abc"}},
        SharedDirectory(directory.owner_run_id, owner, {"taskrun": {"id": "x", "value": None}}),
        finish=True,
    )
    decoded = decode_job(encode_job(command, 3), _finder(flow))
    assert decoded == command


def test_a_job_whose_flow_revision_or_task_is_gone_is_an_error() -> None:
    flow = _flow()
    first, _ = _jobs(flow)
    with pytest.raises(WireError, match=r"revision 4 of flow 'company\.team\.wired' is not found"):
        decode_job(encode_job(first, 4), _finder(flow))
    renamed = RunTask(first.run, first.task.model_copy(update={"id": "gone"}), first.variables)
    with pytest.raises(WireError, match="has no task 'gone'"):
        decode_job(encode_job(renamed, 3), _finder(flow))


def test_a_payload_of_another_major_version_is_refused_as_such() -> None:
    document = json.loads(encode_event(Wake("tr1")))
    document["major"] = MAJOR + 1
    document["body"] = {"anything": "a newer process writes"}
    with pytest.raises(ForeignVersion) as caught:
        decode_event(json.dumps(document).encode())
    assert caught.value.major == MAJOR + 1
    assert str(caught.value) == (
        f"a 'wake' payload of wire version {MAJOR + 1}.0, this process reads version {MAJOR}.x"
    )
    with pytest.raises(ForeignVersion):
        decode_job(json.dumps(document).encode(), _finder(_flow()))


def test_a_newer_minor_version_is_read_its_new_fields_ignored() -> None:
    document = json.loads(encode_event(TaskResult("tr1", State.SUCCESS, {"a": 1})))
    document["minor"] = MINOR + 1
    document["body"]["addedLater"] = "ignored"
    document["addedToo"] = 1
    assert decode_event(json.dumps(document).encode()) == TaskResult("tr1", State.SUCCESS, {"a": 1})


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "not a wire payload"),
        (b"\xff\xfe", "not a wire payload"),
        (pickle.dumps(Start()), "not a wire payload"),  # what earlier versions wrote
        (b'{"major": 1, "minor": 0}', "not a wire payload: kind: Field required"),
        (b'{"major": 1, "minor": 0, "kind": "launch", "body": {}}', "'launch' is not an event"),
        (
            b'{"major": 1, "minor": 0, "kind": "wake", "body": {"taskRunId": 3}}',
            "a 'wake' event is malformed: task_run_id: Field required",
        ),
        (
            b'{"major": 1, "minor": 0, "kind": "task-result",'
            b' "body": {"task_run_id": "t", "state": "DONE"}}',
            "a 'task-result' event is malformed: state: Input should be",
        ),
    ],
)
def test_a_damaged_event_is_named(payload: bytes, message: str) -> None:
    with pytest.raises(WireError, match=message) as caught:
        decode_event(payload)
    assert not isinstance(caught.value, ForeignVersion)


def test_a_job_of_an_event_kind_is_refused() -> None:
    with pytest.raises(WireError, match="'start' is not a job kind"):
        decode_job(encode_event(Start()), _finder(_flow()))


def test_what_is_not_plain_data_is_an_error_when_written() -> None:
    with pytest.raises(WireError, match="'task-result' event cannot be written as JSON"):
        encode_event(TaskResult("tr1", State.SUCCESS, {"handle": object()}))


def test_a_datetime_in_outputs_travels_as_iso_text() -> None:
    # As a task run's outputs are stored: the executor reads the same either way.
    moment = datetime(2042, 4, 2, 4, 20, 42, tzinfo=UTC)
    event = decode_event(encode_event(TaskResult("tr1", State.SUCCESS, {"at": moment})))
    assert event == TaskResult("tr1", State.SUCCESS, {"at": "2042-04-02T04:20:42Z"})


def _structure(schema: Any, *, names: bool = False) -> Any:
    """A JSON schema without its prose: rewording a docstring changes no payload. Under
    ``properties`` and ``$defs`` the keys are names, all kept."""
    if isinstance(schema, dict):
        return {
            key: _structure(value, names=key in ("properties", "$defs") and not names)
            for key, value in schema.items()
            if names or key not in ("description", "title")
        }
    if isinstance(schema, list):
        return [_structure(item) for item in schema]
    return schema


def _schema() -> dict[str, Any]:
    return {"major": MAJOR, "minor": MINOR, "kinds": _structure(json_schemas())}


def test_the_wire_schema_changes_only_with_its_version() -> None:
    """Changing an event or a job changes what other processes read: bump ``MINOR`` for an
    added field with a default, ``MAJOR`` for anything else, then rewrite the pinned schema
    with ``TIERCEL_WIRE_SCHEMA=write``."""
    current = _schema()
    if os.environ.get("TIERCEL_WIRE_SCHEMA") == "write":
        SCHEMA.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(SCHEMA.read_text())
    changed = sorted(
        kind
        for kind in {*pinned["kinds"], *current["kinds"]}
        if pinned["kinds"].get(kind) != current["kinds"].get(kind)
    )
    if changed:
        assert (current["major"], current["minor"]) != (pinned["major"], pinned["minor"]), (
            f"the wire schema of {changed} changed without a version bump"
        )
    assert current == pinned, "the pinned wire schema is out of date"
