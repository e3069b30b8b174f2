"""The core plugin index: equal to what the generator prints, and loaded lazily."""

import sys
from pathlib import Path

import tiercel.plugins.core.index as core_index
from tiercel.model import PluginKind
from tiercel.registry import Registry
from tiercel.registry.index import IndexEntry, render_index


def test_the_committed_index_is_up_to_date() -> None:
    written = Path(core_index.__file__).read_text()
    assert written == render_index("tiercel.plugins.core.catalogue"), (
        "regenerate it: python -m tiercel.registry > src/tiercel/plugins/core/index.py"
    )


def test_classes_are_imported_only_when_a_flow_needs_them() -> None:
    registry = Registry()
    registry.register_index(IndexEntry.parse(row) for row in core_index.INDEX)
    module = "tiercel.plugins.core.trigger.webhook"
    sys.modules.pop(module, None)
    assert registry.kind_of("io.kestra.core.models.triggers.types.Webhook") is PluginKind.TRIGGER
    assert (
        registry.canonical_name("io.kestra.core.tasks.log.Log") == "io.kestra.plugin.core.log.Log"
    )
    assert module not in sys.modules
    webhook = registry.resolve(PluginKind.TRIGGER, "io.kestra.plugin.core.trigger.Webhook")
    assert webhook is not None and webhook.__module__ == module
    assert registry.resolve(PluginKind.TASK, "io.kestra.plugin.core.trigger.Webhook") is None
    assert len(registry.plugins()) == len(core_index.INDEX)
