"""Connections and clients for the Azure plugin tests, against the session's Azurite."""

from typing import Any

from azure.storage.blob import BlobServiceClient
from tests.plugins import cloud_flows


def client(connection_string: str) -> Any:
    """A Blob service client on Azurite, to arrange and check what the tasks did."""
    return BlobServiceClient.from_connection_string(connection_string)


def task(task_id: str, type_name: str, connection_string: str, body: str) -> str:
    """One Blob Storage task of a flow, as YAML under ``tasks:``."""
    return cloud_flows.task(task_id, type_name, f'connectionString: "{connection_string}"\n', body)
