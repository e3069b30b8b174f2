"""Connections and clients for the AWS plugin tests, against the session's moto server."""

from textwrap import dedent
from typing import Any

import boto3
from tests.plugins import cloud_flows
from tests.plugins.cloud_flows import (
    TriggerProbe,
    all_logs,
    errors,
    load_trigger,
    outputs,
    run,
    state,
    stored,
    unique,
    write,
)

ACCESS_KEY = "AKIATESTKEY0001"
SECRET_KEY = "tEsT/SeCrEt+KeY/that-must-never-show"
REGION = "us-east-1"


def client(endpoint: str, service: str) -> Any:
    """A boto3 client on the moto server, to arrange and check what the tasks did."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def connection(endpoint: str) -> str:
    """The connection properties of a task, as YAML lines."""
    return dedent(
        f"""\
        endpointOverride: {endpoint}
        region: {REGION}
        accessKeyId: {ACCESS_KEY}
        secretKeyId: "{SECRET_KEY}"
        """
    )


def task(task_id: str, type_name: str, endpoint: str, body: str) -> str:
    """One AWS task of a flow, as YAML under ``tasks:``."""
    return cloud_flows.task(task_id, type_name, connection(endpoint), body)


def trigger_connection(endpoint: str) -> dict[str, Any]:
    """The connection properties of a trigger."""
    return {
        "endpointOverride": endpoint,
        "region": REGION,
        "accessKeyId": ACCESS_KEY,
        "secretKeyId": SECRET_KEY,
    }


__all__ = [
    "TriggerProbe",
    "all_logs",
    "errors",
    "load_trigger",
    "outputs",
    "run",
    "state",
    "stored",
    "unique",
    "write",
]
