"""Kestra's own test flows, run here: final state, task-run count and outputs as Kestra's
tests assert them (catalog ``expect``, including ``other_cases``).

Cases that need a part of Tiercel not built yet are expected failures, each with its reason;
they are strict, so a case that starts passing must be moved out of the list.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.compat.corpus import FLOWS, Entry, entries
from tiercel.model import Flow, load_flows
from tiercel.model.input import InputType
from tiercel.model.secrets import Masker
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.storage import TriggerRecord
from tiercel.wiring import local_services

TIMEOUT_S = 12

# What Kestra's test configuration gives flows: variables with the KESTRA_ prefix exposed as
# envs, and a few global variables.
ENVIRONMENT = {"KESTRA_TEST1": "true", "KESTRA_TEST2": "Pass by env"}
GLOBALS = {"string": "string", "int": 1, "bool": True, "nested": {"int": 2}}

# KV pairs Kestra's tests store before running a case (the catalog's notes say which).
KV_SEEDS = {"valids/kv.yaml#0": [("io.kestra.tests", "my-key", {"field": "value"})]}


# Trigger records Kestra's tests store, disabled, before running a case.
DISABLED_TRIGGERS = {
    "valids/trigger-toggle.yaml#0": [("io.kestra.tests.trigger", "trigger-toggle", "schedule")]
}

# The template Kestra's template tests store before they run (the catalog's notes say so).
TEMPLATE = """
id: template
namespace: io.kestra.tests
tasks:
  - id: test
    type: io.kestra.plugin.core.log.Log
    message: "{{ parent.outputs.args['my-forward'] }}"
"""

# Why a case does not pass yet: the feature it needs.
NOT_YET: dict[str, str] = {}


def masked_as_tiercel_shows(
    flow: Flow, given: dict[str, Any], expected: dict[str, Any]
) -> dict[str, Any]:
    """Kestra's expected outputs as Tiercel shows them: Tiercel differs on purpose in that
    every known secret value (here the clear values given to the flow's SECRET inputs) is
    masked in task outputs, where Kestra returns it in clear, so that it is never stored nor
    shown. The same rule as the runtime's (its ``Masker``), not a list of cases."""
    names = [spec.id or spec.name for spec in flow.inputs or () if spec.type == InputType.SECRET]
    masker = Masker(str(given[name]) for name in names if given.get(name) is not None)
    # The task ids are keys, not values a task returned.
    return {task_id: masker.mask_value(outputs) for task_id, outputs in expected.items()}


@cache
def templates() -> dict[tuple[str, str], Flow]:
    """The stored templates the corpus's template flows include."""
    (template,) = load_flows(TEMPLATE.encode(), "template.yaml", default_registry()).valid_flows()
    return {(template.namespace, template.id): template}


@cache
def corpus_flows() -> dict[tuple[str, str], Flow]:
    """Every valid flow of the corpus, for subflows."""
    flows: dict[tuple[str, str], Flow] = {}
    registry = default_registry()
    for path in sorted(FLOWS.rglob("*.y*ml")):
        for flow in load_flows(path.read_bytes(), str(path), registry).valid_flows():
            flows.setdefault((flow.namespace, flow.id), flow)
    return flows


def _cases() -> Iterator[Any]:
    for entry in entries():
        expect = entry.expect
        if not expect or expect["kind"] != "execution" or entry.needs_test_plugins:
            continue
        runs = [expect, *(expect.get("other_cases") or [])]
        for index, case in enumerate(runs):
            if (case.get("notes") or "").startswith("not run directly"):
                continue  # a subflow or a triggered flow: its parent's case checks it
            if not any(case.get(key) for key in ("state", "taskrun_count", "outputs")):
                continue  # asserts something else than a run (a graph, the inputs' shape)
            case_id = f"{_short(entry)}#{index}"
            marks = (
                [pytest.mark.xfail(reason=NOT_YET[case_id], strict=True)]
                if (case_id in NOT_YET)
                else []
            )
            yield pytest.param(entry, case, id=case_id, marks=marks)


def _short(entry: Entry) -> str:
    return entry.file.rsplit("/flows/", 1)[-1]


def case_id(entry: Entry, case: dict[str, Any]) -> str:
    """The id a case has in this file: the flow's path and the case's index."""
    assert entry.expect is not None
    cases = [entry.expect, *(entry.expect.get("other_cases") or [])]
    return f"{_short(entry)}#{next(i for i, c in enumerate(cases) if c is case)}"


_PAUSED = re.compile(r"^<id of a PAUSED execution of ([\w.-]+)/([\w.-]+)>$")


def _placeholder(value: Any, tmp: Path, paused: Callable[[str, str], str]) -> Any:
    """Stand-ins for the values Kestra's tests make at run time (``<...>`` in the catalog)."""
    if not (isinstance(value, str) and value.startswith("<") and value.endswith(">")):
        return value
    wanted = _PAUSED.match(value)
    if wanted:
        return paused(wanted.group(1), wanted.group(2))
    if "file" in value or "path" in value:
        path = tmp / f"input-{uuid.uuid4().hex}.txt"
        empty = "empty" in value
        path.write_text("" if empty else "".join(f"line {n}\n" for n in range(1, 11)))
        return str(path)
    if "random" in value:
        return uuid.uuid4().hex
    pytest.skip(f"needs {value}")


@pytest.mark.parametrize(("entry", "case"), list(_cases()))
def test_corpus_execution(
    entry: Entry, case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TIERCEL_ENV_PREFIX", "KESTRA_")
    flows = corpus_flows()
    flow = flows.get((entry.namespace, entry.id))
    assert flow is not None, "the flow must load"
    with local_services(tmp_path / "data", globals_=GLOBALS) as services:

        def paused(namespace: str, flow_id: str) -> str:
            started = LocalRunner(services, flows).execute(flows[(namespace, flow_id)])
            assert started.execution.state.current.value == "PAUSED"
            return started.execution.id

        given = (case.get("inputs") or {}).items()
        inputs = {k: _placeholder(v, tmp_path, paused) for k, v in given}
        for namespace, key, value in KV_SEEDS.get(case_id(entry, case), []):
            services.kv.set(namespace, key, value, now=services.clock())
        for namespace, flow_id, trigger_id in DISABLED_TRIGGERS.get(case_id(entry, case), []):
            record = TriggerRecord(namespace, flow_id, trigger_id, services.clock(), disabled=True)
            services.triggers.save(record)
        runner = LocalRunner(services, flows, templates=templates())
        finished = runner.execute(flow, inputs, timeout=TIMEOUT_S)
    if case.get("state") is not None:
        assert finished.execution.state.current.value == case["state"]
    if case.get("taskrun_count") is not None:
        assert len(finished.task_runs) == case["taskrun_count"]
    expected = case.get("outputs") or {}
    wanted = masked_as_tiercel_shows(flow, inputs, expected.get("task_outputs") or {})
    for task_id, outputs in wanted.items():
        assert finished.outputs.get(task_id) == outputs, task_id
    for key, value in (expected.get("flow_outputs") or {}).items():
        assert (finished.execution.outputs or {}).get(key) == value, key
