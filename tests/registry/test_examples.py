"""Every example flow of every installed plugin is a valid flow that uses its plugin; those
that need no outside service run, here, to SUCCESS."""

from pathlib import Path

import pytest
import yaml

from tiercel.model import load_flows
from tiercel.model.state import State
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.sdk import Example, PluginInfo
from tiercel.wiring import local_services


def _examples() -> list[tuple[PluginInfo, Example]]:
    plugins = default_registry().plugins()
    return [(info, example) for info, _ in plugins for example in info.examples]


EXAMPLES = _examples()
OFFLINE = [(info, example) for info, example in EXAMPLES if not example.needs]


def _id(case: tuple[PluginInfo, Example]) -> str:
    return f"{case[0].type}: {case[1].title}"


def _types_in(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["type"]} if isinstance(node.get("type"), str) else set()
        for value in node.values():
            found |= _types_in(value)
        return found
    if isinstance(node, list):
        return {name for item in node for name in _types_in(item)}
    return set()


def test_the_core_plugins_rewritten_on_the_sdk_have_examples() -> None:
    documented = {info.type for info, _ in EXAMPLES}
    assert {"io.kestra.plugin.core.log.Log", "io.kestra.plugin.core.http.Request"} <= documented
    assert OFFLINE, "no example runs without an outside service"


@pytest.mark.parametrize("case", EXAMPLES, ids=_id)
def test_each_example_is_a_valid_flow_using_its_plugin(case: tuple[PluginInfo, Example]) -> None:
    info, example = case
    assert example.title.strip(), "an example needs a title"
    result = load_flows(example.code.encode(), "example.yaml", default_registry())
    assert result.ok, result.all_problems()
    assert len(result.valid_flows()) == 1
    assert set(info.names) & _types_in(yaml.safe_load(example.code)), (
        f"the example of {info.type} does not use it"
    )


@pytest.mark.parametrize("case", OFFLINE, ids=_id)
def test_each_example_needing_no_service_runs_to_success(
    case: tuple[PluginInfo, Example], tmp_path: Path
) -> None:
    _, example = case
    (flow,) = load_flows(example.code.encode(), "example.yaml", default_registry()).valid_flows()
    with local_services(tmp_path / "data") as services:
        finished = LocalRunner(services).execute(flow)
    problems = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert finished.execution.state.current is State.SUCCESS, problems
