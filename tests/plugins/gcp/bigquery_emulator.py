"""PyPI's ``bqemulator`` (BigQuery's REST API over DuckDB) for the BigQuery task tests.

It cannot share the test environment: it pins sqlglot below the version fakesnow needs. So
``.ci/run`` installs it in its own virtual environment, ``$TIERCEL_BQEMULATOR_DIR`` (default
``~/.cache/tiercel/bqemulator``), with duckdb 1.5 and the spatial extension from PyPI
(``duckdb-extension-spatial``): the emulator refuses to start without spatial, and DuckDB's
own extension server is out of reach. The extension is put under a private ``HOME`` where
DuckDB looks for installed extensions. ``gs://`` URIs resolve to a local folder
(``BQEMU_GCS_LOCAL_ROOT``): the emulator reads and writes no real Cloud Storage.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.plugins.cloud_services import free_port, service


@dataclass(frozen=True)
class BigQueryEmulator:
    """A running emulator: its REST endpoint and the folder its ``gs://`` URIs name."""

    endpoint: str
    gcs_root: Path


def _root() -> Path:
    default = Path.home() / ".cache/tiercel/bqemulator"
    return Path(os.environ.get("TIERCEL_BQEMULATOR_DIR", default))


def start(base: Path) -> Iterator[BigQueryEmulator]:
    """Start the emulator with its state under ``base``; yield it, then stop it."""
    root = _root()
    binary = root / "bin/bqemulator"
    if not binary.exists():
        pytest.fail(f"bqemulator is not installed in {root}: run .ci/run", pytrace=False)
    packages = list(root.glob("lib/python3*/site-packages/duckdb_extension_spatial/extensions"))
    extensions = [
        path for folder in packages for path in folder.glob("v*/spatial.duckdb_extension")
    ]
    if not extensions:
        pytest.fail(f"duckdb-extension-spatial is missing in {root}", pytrace=False)
    home = base / "home"
    version = extensions[0].parent.name
    installed = home / ".duckdb/extensions" / version / "linux_amd64"
    installed.mkdir(parents=True)
    shutil.copy(extensions[0], installed / "spatial.duckdb_extension")
    gcs_root = base / "gcs"
    gcs_root.mkdir()
    port = free_port()
    argv = [
        str(binary),
        "start",
        "--rest-port",
        str(port),
        "--grpc-port",
        str(free_port()),
        "--project",
        "test",
        "--log-level",
        "warning",
    ]
    env = {"HOME": str(home), "BQEMU_GCS_LOCAL_ROOT": str(gcs_root)}
    with service(argv, port, base / "bqemulator.log", env):
        yield BigQueryEmulator(f"http://127.0.0.1:{port}", gcs_root)
