"""A moto server for the AWS plugin tests (S3, SQS, DynamoDB), started once per session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.plugins.cloud_services import executable, free_port, service


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto server that accepts any credentials."""
    port = free_port()
    log = Path(tmp_path_factory.mktemp("moto")) / "moto.log"
    with service([executable("moto_server"), "-H", "127.0.0.1", "-p", str(port)], port, log):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def moto_auth_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto server that checks credentials against its IAM users (it has none,
    so every key is refused, as AWS refuses a wrong one)."""
    port = free_port()
    log = Path(tmp_path_factory.mktemp("moto-auth")) / "moto.log"
    argv = [executable("moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with service(argv, port, log, env={"INITIAL_NO_AUTH_ACTION_COUNT": "0"}):
        yield f"http://127.0.0.1:{port}"
