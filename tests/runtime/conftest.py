"""The shared-mode tests' backend: SQLite and internal storage in the test's own folder."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tiercel.ops.flows import Flows
from tiercel.registry import default_registry
from tiercel.wiring.local import Backend, open_backend, sqlite_url


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    with open_backend(sqlite_url(tmp_path), tmp_path / "storage") as opened:
        yield opened


def deployed(backend: Backend, *sources: str) -> Flows:
    """The backend's flows, with ``sources`` deployed."""
    services = backend.services
    flows = Flows(services.flows, services.triggers, default_registry(), services.clock)
    for source in sources:
        flows.deploy(source)
    return flows
