"""Azurite (Microsoft's Azure Storage emulator, from npm) for the Azure plugin tests.

Azurite is looked for under ``$TIERCEL_AZURITE_DIR`` (default ``~/.cache/tiercel/azurite``),
where ``.ci/run`` installs it; when it is missing the session installs it there with
``npm install azurite@3`` (npm's registry must be reachable then).
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.plugins.cloud_services import free_port, service

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
"""Azurite's well-known development account key (public, documented by Microsoft)."""


def _azurite() -> Path:
    root = Path(os.environ.get("TIERCEL_AZURITE_DIR", Path.home() / ".cache/tiercel/azurite"))
    binary = root / "node_modules/.bin/azurite-blob"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("the Azure tests need Azurite, and npm to install it", pytrace=False)
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(root), "azurite@3"],
            check=True,
            capture_output=True,
        )
    return binary


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Blob endpoint of an Azurite server: ``http://127.0.0.1:PORT/devstoreaccount1``."""
    binary = _azurite()
    port = free_port()
    data = Path(tmp_path_factory.mktemp("azurite"))
    argv = [
        str(binary),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        str(data),
        "--skipApiVersionCheck",
        "--loose",
        "--disableTelemetry",
    ]
    with service(argv, port, data / "azurite.log"):
        yield f"http://127.0.0.1:{port}/{ACCOUNT}"


@pytest.fixture(scope="session")
def connection_string(azurite: str) -> str:
    """A connection string to the Azurite account."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
        f"BlobEndpoint={azurite};"
    )
