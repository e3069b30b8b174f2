"""The plugin indexes: equal to what the generator prints, and loaded lazily."""

import importlib
import importlib.metadata
import sys
from pathlib import Path

import pytest

import tiercel.plugins.core.index as core_index
from tiercel.model import PluginKind
from tiercel.registry import Registry
from tiercel.registry.index import IndexEntry, render_index

PACKAGES = [
    "core",
    "scripts",
    "fs",
    "notifications",
    "redis",
    "compress",
    "git",
    "jdbc",
    "serdes",
    "aws",
    "gcp",
    "azure",
    "dbt",
    "ai",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_the_committed_index_is_up_to_date(package: str) -> None:
    index = importlib.import_module(f"tiercel.plugins.{package}.index")
    written = Path(str(index.__file__)).read_text()
    catalogue = f"tiercel.plugins.{package}.catalogue"
    assert written == render_index(catalogue), (
        f"regenerate it: python -m tiercel.registry {catalogue}"
        f" > src/tiercel/plugins/{package}/index.py"
    )


def test_every_built_in_index_is_published_as_an_entry_point() -> None:
    published = {
        entry.name: entry.value
        for entry in importlib.metadata.entry_points(group="tiercel.plugins")
        if entry.value.startswith("tiercel.plugins.")
    }
    assert published == {name: f"tiercel.plugins.{name}.index:INDEX" for name in PACKAGES}


def test_the_fs_triggers_are_registered(registry: Registry) -> None:
    for name in ("io.kestra.plugin.fs.local.Trigger", "io.kestra.plugin.fs.local.RealtimeTrigger"):
        assert registry.resolve(PluginKind.TRIGGER, name) is not None, name


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
