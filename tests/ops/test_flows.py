"""The deployed flows: the list of current ones is read once a second at most, yet a deploy
or a delete in the same process shows at once."""

from pathlib import Path
from typing import Any

import pytest

from tiercel.ops import flows as flows_module
from tiercel.ops.flows import Flows
from tiercel.registry import default_registry
from tiercel.wiring import local_services

SOURCE = """\
id: {id}
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hi
"""


def test_changes_here_show_at_once_and_elsewhere_within_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr(flows_module.time, "monotonic", lambda: clock[0])
    with local_services(tmp_path) as services:

        def new() -> Flows:
            return Flows(services.flows, services.triggers, default_registry(), services.clock)

        here, elsewhere = new(), new()
        here.deploy(SOURCE.format(id="a"))
        assert [d.flow.id for d in elsewhere.current()] == ["a"]
        here.deploy(SOURCE.format(id="b"))
        assert [d.flow.id for d in here.current()] == ["a", "b"]  # this process: at once
        assert [d.flow.id for d in elsewhere.current()] == ["a"]  # another: not yet
        assert elsewhere.find("company.team", "b") is not None  # looked up in the store
        clock[0] += flows_module.FRESH_FOR
        assert [d.flow.id for d in elsewhere.current()] == ["a", "b"]
        here.delete("company.team", "a")
        assert here.find("company.team", "a") is None
        assert [d.flow.id for d in here.current()] == ["b"]


def test_a_list_read_while_a_flow_is_deployed_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader (the scheduler's tick, say) that began before a deploy must not keep its list:
    a flow trigger of the new flow would miss the executions ending in the next second."""
    with local_services(tmp_path) as services:
        flows = Flows(services.flows, services.triggers, default_registry(), services.clock)
        flows.deploy(SOURCE.format(id="a"))
        read = services.flows.find

        def read_then_deploy(**kwargs: Any) -> Any:
            monkeypatch.setattr(services.flows, "find", read)
            records = read(**kwargs)
            flows.deploy(SOURCE.format(id="b"))  # after this reader's query, before it keeps it
            return records

        monkeypatch.setattr(services.flows, "find", read_then_deploy)
        assert [d.flow.id for d in flows.current()] == ["a"]
        assert [d.flow.id for d in flows.current()] == ["a", "b"]
