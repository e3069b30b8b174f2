"""Running a flow of script tasks through the local runner, for the script plugin tests."""

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished, Services
from tiercel.wiring import local_services


def run_flow(
    tmp_path: Path, text: str, setup: Callable[[Services], None] | None = None
) -> Finished:
    """Load one flow from YAML and run it to its end."""
    result = load_flows(dedent(text).encode(), "x.yaml", default_registry())
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    with local_services(tmp_path) as services:
        if setup is not None:
            setup(services)
        return LocalRunner(services).execute(flow)


def messages(finished: Finished, task_id: str) -> list[str]:
    """The log messages of one task, oldest first."""
    return [line.message for line in finished.logs if line.task_id == task_id]


def levels(finished: Finished, task_id: str) -> dict[str, str]:
    """Each log message of one task with its level."""
    return {line.message: str(line.level) for line in finished.logs if line.task_id == task_id}


def state_of(finished: Finished, task_id: str) -> str:
    """The final state of a task run."""
    (run,) = [run for run in finished.task_runs if run.task_id == task_id]
    return str(run.state.current)
