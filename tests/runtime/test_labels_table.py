"""The labels table follows the labels an execution carries: written when it is created with
some and when a step changes them, left alone by the steps that do not."""

from pathlib import Path

from tiercel.model import load_flows
from tiercel.model.labels import Label
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services

FLOW = """\
id: relabel
namespace: company.team
labels:
  team: data
tasks:
  - id: before
    type: io.kestra.plugin.core.debug.Return
    format: x
  - id: relabel
    type: io.kestra.plugin.core.execution.Labels
    labels:
      stage: done
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: y
"""


def test_labels_set_by_a_task_are_searchable(tmp_path: Path) -> None:
    flow = load_flows(FLOW, "relabel.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        runner = LocalRunner(services)
        plain = runner.execute(flow).execution
        given = runner.execute(flow, labels=(Label(key="who", value="me"),)).execution
        assert plain.state.current.value == "SUCCESS"
        store = services.executions
        assert set(store.find(labels=[("stage", "done")])) == {plain.id, given.id}
        assert set(store.find(labels=[("team", "data")])) == {plain.id, given.id}
        assert store.find(labels=[("who", "me"), ("stage", "done")]) == [given.id]
        assert store.find(labels=[("stage", "other")]) == []
