"""A gcp-storage-emulator for the GCP plugin tests, started once per session."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.plugins.cloud_services import executable, free_port, service


@pytest.fixture(scope="session")
def gcs_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an in-memory Cloud Storage emulator."""
    port = free_port()
    log = Path(tmp_path_factory.mktemp("gcs")) / "gcs.log"
    argv = [
        executable("gcp-storage-emulator"),
        "start",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--in-memory",
    ]
    with service(argv, port, log):
        yield f"http://127.0.0.1:{port}"
