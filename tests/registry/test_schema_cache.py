"""The flow schema kept on disk: read back for the same plugins, generated again when a
plugin's source changes, never kept when a plugin's source cannot be located."""

import importlib
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from tiercel.registry import Registry, schema_cache
from tiercel.registry.schema import flow_schema
from tiercel.registry.schema_cache import PREFIX, cached_flow_schema, schema_key
from tiercel.sdk import RunnableTask, plugin

MODULE = '''
from tiercel.sdk import RunnableTask, plugin


@plugin("com.example.cache.Probe")
class Probe(RunnableTask):
    """A task that only has a name."""

    name: str = "x"
'''


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Registry, Path]:
    """A registry of one class from a package of its own, and that package's module file."""
    name = f"cacheprobe_{uuid.uuid4().hex}"  # a module imported once stays in sys.modules
    package = tmp_path / "src" / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    source = package / "probe.py"
    source.write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    importlib.invalidate_caches()
    module = importlib.import_module(f"{name}.probe")
    found = Registry()
    found.register(module.Probe)
    return found, source


def generated_twice_fails(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make generation count its calls."""
    calls: list[int] = []

    def counted(registry: Registry) -> dict[str, Any]:
        calls.append(1)
        return flow_schema(registry)

    monkeypatch.setattr(schema_cache, "flow_schema", counted)
    return calls


def test_the_schema_is_kept_and_read_back_for_the_same_plugins(
    registry: tuple[Registry, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins, _ = registry
    calls = generated_twice_fails(monkeypatch)
    folder = tmp_path / "cache"
    first = cached_flow_schema(plugins, folder)
    again = cached_flow_schema(plugins, folder)
    assert calls == [1]
    assert again == first == flow_schema(plugins)
    assert [path.name for path in folder.iterdir()] == [f"{PREFIX}{schema_key(plugins)}.json"]
    titles = {d.get("title") for d in first["definitions"].values()}
    assert "com.example.cache.Probe" in titles


def test_a_changed_plugin_source_makes_a_new_schema_and_drops_the_old_one(
    registry: tuple[Registry, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins, source = registry
    calls = generated_twice_fails(monkeypatch)
    folder = tmp_path / "cache"
    cached_flow_schema(plugins, folder)
    before = schema_key(plugins)
    source.write_text(MODULE + "\n# edited\n")
    os.utime(source, ns=(1, 1))  # a different mtime too, whatever the clock's resolution
    after = schema_key(plugins)
    assert after != before
    cached_flow_schema(plugins, folder)
    assert calls == [1, 1]
    assert [path.name for path in folder.iterdir()] == [f"{PREFIX}{after}.json"]


def test_a_class_whose_source_cannot_be_located_is_never_kept(tmp_path: Path) -> None:
    @plugin("com.example.cache.Nowhere")
    class Nowhere(RunnableTask):
        """Defined in a module that cannot be found again."""

    Nowhere.__module__ = "no_such_module_anywhere"
    plugins = Registry()
    plugins.register(Nowhere)
    assert schema_key(plugins) is None
    folder = tmp_path / "cache"
    assert cached_flow_schema(plugins, folder) == flow_schema(plugins)
    assert not folder.exists()


def test_a_folder_that_cannot_be_written_only_costs_the_generation(
    registry: tuple[Registry, Path], tmp_path: Path
) -> None:
    plugins, _ = registry
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert cached_flow_schema(plugins, blocked / "cache") == flow_schema(plugins)
    broken = tmp_path / "cache"
    broken.mkdir()
    (broken / f"{PREFIX}{schema_key(plugins)}.json").write_text("{not json")
    assert cached_flow_schema(plugins, broken) == flow_schema(plugins)
