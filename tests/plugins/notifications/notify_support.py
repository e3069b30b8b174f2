"""Helpers for the notification tests."""

import json
from typing import Any

from tiercel.runtime.services import Finished


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
