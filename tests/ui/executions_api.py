"""Starting and reading executions through the REST API, for the UI tests of executions."""

from pathlib import Path
from typing import Any

import httpx

from tests.ui.conftest import UiServer

NAMESPACE = "ui.tests.executions"


def execute(
    server: UiServer,
    flow_id: str,
    inputs: dict[str, str] | None = None,
    *,
    wait: bool = False,
    labels: list[str] | None = None,
    namespace: str = NAMESPACE,
) -> dict[str, Any]:
    """Start an execution of ``flow_id`` the way the UI's form does."""
    answer = httpx.post(
        f"{server.api}/executions/{namespace}/{flow_id}",
        params={"wait": str(wait).lower(), "labels": labels or []},
        files={key: (None, value) for key, value in (inputs or {}).items()} or None,
        data=None if inputs else {},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def data_dir(server: UiServer) -> Path:
    """The server's data folder (next to its console log, see ``start_server``)."""
    return server.console.parent / "data"


def execution_url(server: UiServer, execution: dict[str, Any], tab: str = "") -> str:
    path = f"executions/{execution['namespace']}/{execution['flowId']}/{execution['id']}"
    return server.ui(f"{path}/{tab}" if tab else path)
