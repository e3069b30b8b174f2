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
