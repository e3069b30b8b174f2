"""Fixtures for the notification tests: a recording HTTP server on loopback that stands in for
the vendors' SaaS endpoints (nothing of theirs can run here), and flows run to their end."""

from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from tests.plugins.core.run.run_support import Server, serve

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.wiring import local_services

RunFlow = Callable[[str], Finished]


@pytest.fixture
def server() -> Iterator[Server]:
    """A plain HTTP server on 127.0.0.1 that records every request (the vendor's stand-in)."""
    yield from serve(None)


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
