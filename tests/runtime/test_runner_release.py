"""An ended runner's executions are freed as soon as the runner is dropped, without waiting
for the cyclic collector (whose full passes are rare: ten thousand task runs would linger)."""

import gc
import weakref
from pathlib import Path

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services

FLOW = """\
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.EachParallel
    value: [a, b, c]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
"""


def test_a_dropped_runner_frees_its_executions_without_the_cyclic_collector(
    tmp_path: Path,
) -> None:
    flow = load_flows(FLOW, "loop.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        runner = LocalRunner(services)
        finished = runner.execute(flow)
        assert finished.execution.state.current.value == "SUCCESS"
        view = runner.held.get(finished.execution.id)
        assert view is not None
        freed = weakref.ref(view)
        executor = weakref.ref(runner.executor)
        del view, finished
        gc.disable()
        try:
            del runner
            assert executor() is None and freed() is None  # no reference cycle held them
        finally:
            gc.enable()


def test_what_a_large_run_leaves_alive_is_not_left_for_a_young_collection(
    tmp_path: Path,
) -> None:
    # Once the usual thresholds are back, everything still young would be walked by the next
    # collection: after a large loop, a third of the run's time. The run ends with its
    # survivors in the oldest generation instead.
    text = FLOW.replace("value: [a, b, c]", 'value: "{{ range(1, 1000) }}"')
    flow = load_flows(text, "loop.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        finished = LocalRunner(services).execute(flow)
        young = gc.get_count()[0]
        oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert len(finished.task_runs) == 1001
    assert young < 700, young
    assert id(finished.execution) in oldest
    assert all(id(run) in oldest for run in finished.task_runs)
