"""Helpers for the plugin tests that run flows: their logs, task states, and flows built
from task mappings."""

import json
from collections.abc import Callable
from typing import Any

from tiercel.runtime.services import Finished

RunFlow = Callable[[str], Finished]
"""The ``run_flow`` fixture: run one flow, given as YAML, to its end."""


def messages(finished: Finished, task_id: str) -> list[str]:
    """The log messages of one task, oldest first."""
    return [line.message for line in finished.logs if line.task_id == task_id]


def states(finished: Finished) -> dict[str, str]:
    """Each task's final state."""
    return {run.task_id: run.state.current.value for run in finished.task_runs}


def flow_of(*tasks: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> str:
    """A flow YAML (as JSON, which YAML reads) with these tasks."""
    body: dict[str, Any] = {"id": "notify", "namespace": "company.team", "tasks": list(tasks)}
    if errors:
        body["errors"] = errors
    return json.dumps(body)
