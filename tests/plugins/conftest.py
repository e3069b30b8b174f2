"""Fixtures shared by the plugin families' tests: flows run on one local backend per test, the
files they stored, and a recording HTTP server on loopback (the stand-in for a vendor's SaaS
endpoint in the notification tests, a file source in others)."""

from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from tests.plugins.core.run.run_support import Server, serve
from tests.plugins.flow_support import RunFlow

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.wiring import local_services


@pytest.fixture
def run_flow(tmp_path: Path) -> RunFlow:
    """Run one flow, given as YAML, to its end; the flows of a test share one backend."""

    def run(text: str) -> Finished:
        result = load_flows(dedent(text).encode(), "flow.yaml", default_registry())
        assert result.ok, result.all_problems()
        (flow,) = result.valid_flows()
        with local_services(tmp_path / "data") as services:
            return LocalRunner(services).execute(flow)

    return run


@pytest.fixture
def stored(tmp_path: Path) -> Callable[[str], bytes]:
    """The content of a ``kestra://`` file the flows of the test stored."""

    def read(uri: str) -> bytes:
        with local_services(tmp_path / "data") as services:
            return services.storage.read_bytes(uri)

    return read


@pytest.fixture
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1 that records every request."""
    yield from serve(None)
