"""Fixtures shared by the plugin families' tests."""

from pathlib import Path
from textwrap import dedent

import pytest
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
