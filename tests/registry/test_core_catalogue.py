"""The built-in catalogue: every core group is registered, with Kestra's legacy aliases."""

import pytest

from tiercel.model import PluginKind
from tiercel.registry import Registry

CORE_TASKS = [
    "io.kestra.plugin.core.log.Log",
    "io.kestra.plugin.core.flow.Parallel",
    "io.kestra.plugin.core.flow.EachParallel",
    "io.kestra.plugin.core.flow.ForEach",
    "io.kestra.plugin.core.flow.Dag",
    "io.kestra.plugin.core.flow.If",
    "io.kestra.plugin.core.flow.Switch",
    "io.kestra.plugin.core.flow.Subflow",
    "io.kestra.plugin.core.flow.WorkingDirectory",
    "io.kestra.plugin.core.debug.Return",
    "io.kestra.plugin.core.output.OutputValues",
    "io.kestra.plugin.core.execution.Fail",
    "io.kestra.plugin.core.http.Request",
    "io.kestra.plugin.core.kv.Set",
    "io.kestra.plugin.core.storage.Concat",
    "io.kestra.plugin.core.namespace.UploadFiles",
    "io.kestra.plugin.core.templating.TemplatedTask",
    "io.kestra.plugin.core.trigger.Toggle",
]

ALIASES = {
    "io.kestra.core.tasks.log.Log": "io.kestra.plugin.core.log.Log",
    "io.kestra.core.tasks.flows.Parallel": "io.kestra.plugin.core.flow.Parallel",
    "io.kestra.core.tasks.flows.Flow": "io.kestra.plugin.core.flow.Subflow",
    "io.kestra.core.tasks.debugs.Return": "io.kestra.plugin.core.debug.Return",
    "io.kestra.plugin.fs.http.Request": "io.kestra.plugin.core.http.Request",
    "io.kestra.core.models.triggers.types.Schedule": "io.kestra.plugin.core.trigger.Schedule",
}


@pytest.mark.parametrize("name", CORE_TASKS)
def test_core_task_types_are_registered(registry: Registry, name: str) -> None:
    assert registry.resolve(PluginKind.TASK, name) is not None


@pytest.mark.parametrize(("alias", "canonical"), sorted(ALIASES.items()))
def test_legacy_aliases_resolve_to_the_same_class(
    registry: Registry, alias: str, canonical: str
) -> None:
    assert registry.get(alias) is registry.get(canonical) is not None


def test_every_kind_has_core_types(registry: Registry) -> None:
    for kind in PluginKind:
        assert registry.classes(kind), kind
