"""Running SQL flows through the local runner, and reading what they stored."""

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent
from typing import Any

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished, Services
from tiercel.sdk import ion
from tiercel.wiring import local_services


def run_flow(
    tmp_path: Path, text: str, check: Callable[[Services, Finished], None] | None = None
) -> Finished:
    """Load one flow from YAML and run it to its end; ``check`` sees the services still open."""
    result = load_flows(dedent(text).encode(), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    with local_services(tmp_path / "data") as services:
        finished = LocalRunner(services).execute(flow)
        if check is not None:
            check(services, finished)
        return finished


def outputs(finished: Finished, task_id: str) -> dict[str, Any]:
    """The outputs of one task run."""
    (run,) = [run for run in finished.task_runs if run.task_id == task_id]
    return dict(run.outputs or {})


def state_of(finished: Finished, task_id: str) -> str:
    """The final state of a task run."""
    (run,) = [run for run in finished.task_runs if run.task_id == task_id]
    return str(run.state.current)


def messages(finished: Finished, task_id: str | None = None) -> list[str]:
    """Log messages, of one task or of all."""
    return [line.message for line in finished.logs if task_id is None or line.task_id == task_id]


def stored_rows(services: Services, uri: str) -> list[Any]:
    """The values of a stored Ion file, one per line."""
    text = services.storage.read_bytes(uri).decode()
    return [ion.loads(line) for line in text.splitlines() if line.strip()]
