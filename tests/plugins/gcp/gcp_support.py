"""Connections and clients for the GCP plugin tests, against the session's emulator."""

from typing import Any

from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from tests.plugins import cloud_flows


def client(endpoint: str) -> Any:
    """A storage client on the emulator, to arrange and check what the tasks did."""
    return storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
    )


def task(task_id: str, type_name: str, endpoint: str, body: str) -> str:
    """One GCS task of a flow, as YAML under ``tasks:``."""
    return cloud_flows.task(task_id, type_name, f"endpoint: {endpoint}\nprojectId: test\n", body)
