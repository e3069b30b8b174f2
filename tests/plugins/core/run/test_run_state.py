"""Running the deprecated ``state`` tasks: Kestra's state store on the KV store."""

import json
from typing import Any

import pytest
from run_support import NAMESPACE, Harness

from tiercel.plugins.core.state.abstract_state import merge, murmur3_128_hex
from tiercel.sdk import TaskFailure

STATE = "io.kestra.plugin.core.state."


def test_murmur3_matches_guavas_published_values() -> None:
    assert murmur3_128_hex("hell") == "67f8103e694299624753ebba820bdb92"
    assert (
        murmur3_128_hex("The quick brown fox jumps over the lazy dog")
        == "6c1b07bc7bbc4be347939ac4a93c437a"
    )


def test_set_merges_into_a_json_object_under_kestras_key(harness: Harness) -> None:
    first = harness.run({"type": STATE + "Set", "data": {"a": 1, "m": {"x": 1}, "l": [1]}})
    assert first == {"count": 3, "key": "my-flow_states_tasks-states_default"}
    second = harness.run({"type": STATE + "Set", "data": {"b": "{{ 1 + 1 }}", "m": {"y": 2}}})
    assert second["count"] == 4
    stored = json.loads(harness.value("my-flow_states_tasks-states_default"))
    assert stored == {"a": 1, "b": "2", "m": {"x": 1, "y": 2}, "l": [1]}


def test_get_reads_the_state_or_an_empty_one(harness: Harness) -> None:
    assert harness.run({"type": STATE + "Get", "name": "s"}) == {"count": 0, "data": {}}
    harness.run({"type": STATE + "Set", "name": "s", "data": {"k": "v"}})
    assert harness.run({"type": STATE + "Get", "name": "s"}) == {"count": 1, "data": {"k": "v"}}
    with pytest.raises(TaskFailure, match="State my-flow_states_tasks-states_nope not found"):
        harness.run({"type": STATE + "Get", "name": "nope", "errorOnMissing": True})


def test_a_namespace_state_is_shared_by_the_flows(harness: Harness) -> None:
    data = {"type": STATE + "Set", "namespace": True, "data": {"k": 1}}
    assert harness.run(data)["key"] == "states_tasks-states_default"
    other_flow = harness.context(flow_id="other")
    got = harness.run({"type": STATE + "Get", "namespace": True}, other_flow)
    assert got == {"count": 1, "data": {"k": 1}}
    assert harness.run({"type": STATE + "Get"}, other_flow) == {"count": 0, "data": {}}


def test_a_state_per_loop_value_unless_taskrun_value_is_false(harness: Harness) -> None:
    key = harness.run({"type": STATE + "Set", "data": {"k": 1}}, harness.context(value="a"))["key"]
    assert key == "my-flow_states_tasks-states_default_" + murmur3_128_hex("a")
    shared = {"type": STATE + "Set", "taskrunValue": False, "data": {"k": 2}}
    assert harness.run(shared, harness.context(value="a"))["key"] == (
        "my-flow_states_tasks-states_default"
    )


def test_delete_tells_whether_there_was_a_state(harness: Harness) -> None:
    harness.run({"type": STATE + "Set", "name": "s", "data": {"k": 1}})
    assert harness.run({"type": STATE + "Delete", "name": "s"}) == {"deleted": True}
    assert harness.run({"type": STATE + "Delete", "name": "s"}) == {"deleted": False}
    with pytest.raises(TaskFailure, match="Unable to find the state file 's'"):
        harness.run({"type": STATE + "Delete", "name": "s", "errorOnMissing": True})


def test_kestras_state_flow_counts_up_then_deletes(harness: Harness) -> None:
    """The three runs of Kestra's ``state.yaml`` (``StateTest``), one task at a time."""
    name = {"name": "{{ inputs.state }}"}
    inputs = {"state": "unique-id"}

    def run(data: dict[str, Any], outputs: dict[str, Any] | None = None) -> Any:
        return harness.run({**data, **name}, harness.context(inputs=inputs, outputs=outputs))

    state = run({"type": STATE + "Get"})
    assert state["data"] == {}
    run({"type": STATE + "Set", "data": {"value": 1}})
    assert run({"type": STATE + "Get"})["data"]["value"] == 1

    state = run({"type": STATE + "Get"})
    update = {"value": "{{ outputs.state.data.value + 1 }}"}
    run({"type": STATE + "Set", "data": update}, {"state": state})
    assert run({"type": STATE + "Get"})["data"]["value"] == "2"

    run({"type": STATE + "Delete"})
    assert run({"type": STATE + "Get"})["count"] == 0


@pytest.mark.parametrize(("per_value", "last"), [(True, "null-b"), (False, "null-a-b")])
def test_kestras_state_flow_in_a_loop(harness: Harness, per_value: bool, last: str) -> None:
    """``state.yaml`` with the input ``each``: a state per value, or one for the loop."""
    common = {"name": "each", "taskrunValue": per_value}
    value = "{{ (outputs.get.data.value ?? 'null') ~ '-' ~ taskrun.value }}"
    reget: Any = None
    for item in ("a", "b"):
        got = harness.run({"type": STATE + "Get", **common}, harness.context(value=item))
        ctx = harness.context(value=item, outputs={"get": got})
        harness.run({"type": STATE + "Set", **common, "data": {"value": value}}, ctx)
        reget = harness.run({"type": STATE + "Get", **common}, harness.context(value=item))
    assert reget["data"]["value"] == last


def test_merge_follows_kestras_map_utils() -> None:
    assert merge({"a": 1, "l": [1, 2], "m": {"x": 1}}, {"a": None, "l": [2, 3], "m": {"y": 2}}) == {
        "a": 1,
        "l": [1, 2, 3],
        "m": {"x": 1, "y": 2},
    }


def test_the_state_lives_in_the_flows_namespace(harness: Harness) -> None:
    harness.run({"type": STATE + "Set", "data": {"k": 1}})
    assert harness.kv.keys(NAMESPACE, now=harness.now) == ["my-flow_states_tasks-states_default"]
