"""The plugin registry: names, aliases, entry points and suggestions."""

import sys
from pathlib import Path

import pytest

from tests.model.sample_plugins import Always, Echo, Group, sample_registry
from tiercel.model import PluginKind
from tiercel.registry import DuplicateTypeError, Registry
from tiercel.sdk import RunnableTask, plugin


def test_names_and_aliases_resolve_to_one_class() -> None:
    registry = sample_registry()
    assert registry.resolve(PluginKind.TASK, "test.Echo") is Echo
    assert registry.resolve(PluginKind.TASK, "legacy.Echo") is Echo
    assert registry.canonical_name("legacy.Echo") == "test.Echo"
    assert registry.resolve(PluginKind.TRIGGER, "test.Echo") is None
    assert registry.kind_of("test.Always") is PluginKind.CONDITION
    assert registry.classes(PluginKind.CONDITION) == [Always]
    assert Group in registry.classes(PluginKind.TASK)


def test_registering_twice_is_harmless_but_a_name_clash_is_refused() -> None:
    registry = sample_registry()
    registry.register(Echo)
    assert registry.classes(PluginKind.TASK).count(Echo) == 1

    @plugin("test.Echo")
    class Impostor(RunnableTask):
        """Claims a taken name."""

    with pytest.raises(DuplicateTypeError, match=r"test\.Echo"):
        registry.register(Impostor)


def test_a_class_without_plugin_metadata_is_refused() -> None:
    class Bare(RunnableTask):
        """No @plugin."""

    with pytest.raises(TypeError, match="no @plugin"):
        Registry().register(Bare)
    with pytest.raises(TypeError, match="not a task"):
        Registry().register(int)  # type: ignore[arg-type]


def test_suggestions_need_a_similar_class_name() -> None:
    registry = sample_registry()
    assert registry.suggest(PluginKind.TASK, "test.Ecoh") == "test.Echo"
    assert registry.suggest(PluginKind.TASK, "other.pkg.Echo") == "test.Echo"
    assert registry.suggest(PluginKind.TASK, "test.Dag") is None


def test_third_party_plugins_arrive_through_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package installed beside Tiercel adds a task type with twenty lines of Python."""
    package = tmp_path / "acme_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from tiercel.sdk import RunnableTask, Text, plugin\n\n\n"
        "@plugin('com.acme.Hello', aliases=['com.acme.Hi'])\n"
        "class Hello(RunnableTask):\n"
        '    """Say hello."""\n\n'
        "    who: Text\n"
    )
    dist = tmp_path / "acme_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[tiercel.plugins]\nacme = acme_plugin:Hello\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        registry = Registry()
        registry.load_entry_points()
        hello = registry.resolve(PluginKind.TASK, "com.acme.Hi")
        assert hello is not None and hello.__name__ == "Hello"
        assert registry.resolve(PluginKind.TASK, "io.kestra.plugin.core.log.Log") is not None
    finally:
        sys.modules.pop("acme_plugin", None)
