"""The registry of plugin classes, keyed by Kestra type name and alias."""

import difflib
import functools
import importlib.metadata
import inspect
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, cast

from pydantic import BaseModel

from tiercel.expr import ExpressionError, TemplateSyntaxError, compile_template
from tiercel.model import PluginKind, TypeCatalog
from tiercel.model.base import PluginObject
from tiercel.model.catalog import CATALOG_CONTEXT_KEY, ExpressionProblem
from tiercel.registry.index import IndexEntry
from tiercel.sdk import PluginInfo, plugin_info

ENTRY_POINT_GROUP = "tiercel.plugins"

_UNCLOSED = ("Unexpected end of template", "Unclosed")
"""How the expression language's lexer and parser begin the reasons for a template whose
``{{``, ``{%``, ``{#``, string or block is never closed."""

MAX_SUGGESTED_LENGTH = 300
"""Type names longer than this get no "did you mean": none of Kestra's is close to it, and
comparing a 60 KB name with every type took seconds."""


class DuplicateTypeError(ValueError):
    """Two different classes claim the same type name."""


class Registry(TypeCatalog):
    """Plugin classes by kind and by every name they answer to."""

    def __init__(self) -> None:
        self._by_name: dict[str, type[PluginObject]] = {}
        self._info: dict[type[PluginObject], PluginInfo] = {}
        self._canonical_names: dict[PluginKind, list[str]] = {kind: [] for kind in PluginKind}
        self._indexed: dict[str, IndexEntry] = {}  # known by name, not imported yet

    def register(self, cls: type[PluginObject]) -> None:
        """Add one class decorated with ``@plugin``.

        Raises:
            TypeError: the class is not a plugin class or carries no ``@plugin`` metadata.
            DuplicateTypeError: another class already has one of its names.
        """
        if not (inspect.isclass(cls) and issubclass(cls, PluginObject)):
            raise TypeError(f"{cls!r} is not a task, trigger, condition or task runner class")
        info = plugin_info(cls)
        if info is None:
            raise TypeError(f"{cls.__qualname__} has no @plugin(...) type name")
        if self._info.get(cls) == info:
            return
        for name in info.names:
            owner = self._by_name.get(name)
            if owner is not None and owner is not cls:
                raise DuplicateTypeError(
                    f"type '{name}' is claimed by both {_qualified(owner)} and {_qualified(cls)}"
                )
        for name in info.names:
            self._by_name[name] = cls
            self._indexed.pop(name, None)
        self._info[cls] = info
        if info.type not in self._canonical_names[cls.plugin_kind]:
            self._canonical_names[cls.plugin_kind].append(info.type)

    def register_index(self, entries: Iterable[IndexEntry]) -> None:
        """Add classes by their index entries; each is imported when first needed.

        Raises:
            DuplicateTypeError: a name is already taken by another class or entry.
        """
        for entry in entries:
            for name in entry.names:
                owner = self._by_name.get(name)
                known = self._indexed.get(name)
                if (owner is not None and _target(owner) != entry.target) or (
                    known is not None and known.target != entry.target
                ):
                    raise DuplicateTypeError(f"type '{name}' is claimed twice ({entry.target})")
            if entry.type in self._by_name:
                continue
            for name in entry.names:
                self._indexed[name] = entry
            self._canonical_names[entry.kind].append(entry.type)

    def _load(self, type_name: str) -> type[PluginObject] | None:
        cls = self._by_name.get(type_name)
        if cls is None:
            entry = self._indexed.get(type_name)
            if entry is not None:
                self.register(entry.load())
                cls = self._by_name.get(type_name)
        return cls

    def load_all(self) -> None:
        """Import every class still known only by its index entry."""
        for entry in {entry.target: entry for entry in self._indexed.values()}.values():
            self._load(entry.type)

    def register_all(self, items: Iterable[type[PluginObject]]) -> None:
        """Add several classes."""
        for cls in items:
            self.register(cls)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Add every class published by installed packages under the entry-point group.

        An entry point may name a class, an iterable of classes, a module whose ``PLUGINS``
        attribute lists them, or an index (see ``tiercel.registry.index``) whose classes are
        imported when first needed.
        """
        for entry_point in importlib.metadata.entry_points(group=group):
            published = entry_point.load()
            if isinstance(published, list) and published and isinstance(published[0], tuple):
                self.register_index(IndexEntry.parse(row) for row in published)
            else:
                self.register_all(_classes_of(published))

    # TypeCatalog

    def resolve(self, kind: PluginKind, type_name: str) -> type[BaseModel] | None:
        if self.kind_of(type_name) is not kind:
            return None
        return self._load(type_name)

    def classes(self, kind: PluginKind) -> Sequence[type[BaseModel]]:
        self.load_all()
        return [cls for cls in self._info if cls.plugin_kind is kind]

    def kind_of(self, type_name: str) -> PluginKind | None:
        cls = self._by_name.get(type_name)
        if cls is not None:
            return cls.plugin_kind
        entry = self._indexed.get(type_name)
        return entry.kind if entry is not None else None

    def suggest(self, kind: PluginKind, type_name: str) -> str | None:
        if len(type_name) > MAX_SUGGESTED_LENGTH:
            return None  # difflib's cost grows with the square of the length
        best: tuple[float, str] | None = None
        short = type_name.rsplit(".", 1)[-1]
        for name in self._canonical_names[kind]:
            whole = difflib.SequenceMatcher(None, type_name, name).ratio()
            last = difflib.SequenceMatcher(None, short, name.rsplit(".", 1)[-1]).ratio()
            # The class name must look alike too: 'flow.Dag' is not a typo of 'log.Log'.
            score = whole + last
            alike = (whole >= 0.85 and last >= 0.6) or last == 1.0
            if alike and (best is None or score > best[0]):
                best = (score, name)
        return best[1] if best else None

    def canonical_name(self, type_name: str) -> str | None:
        cls = self._by_name.get(type_name)
        if cls is not None:
            return self._info[cls].type
        entry = self._indexed.get(type_name)
        return entry.type if entry is not None else None

    def is_deprecated(self, type_name: str) -> bool:
        cls = self._by_name.get(type_name)
        if cls is not None:
            return self._info[cls].deprecated
        entry = self._indexed.get(type_name)
        return entry is not None and entry.deprecated

    def expression_problem(self, text: str) -> ExpressionProblem | None:
        try:
            compile_template(text)
        except TemplateSyntaxError as exc:
            return ExpressionProblem(str(exc), exc.reason.startswith(_UNCLOSED))
        except ExpressionError:
            return None  # not a syntax error: what running it says is the task's business
        return None

    # Queries

    def info(self, cls: type[PluginObject]) -> PluginInfo:
        """Return the metadata a registered class was registered with."""
        if cls not in self._info:
            self.load_all()
        return self._info[cls]

    def get(self, type_name: str) -> type[PluginObject] | None:
        """Return the class for a type name or alias of any kind."""
        return self._load(type_name)

    def plugins(self) -> list[tuple[PluginInfo, type[PluginObject]]]:
        """Every registered class with its metadata, sorted by type name."""
        self.load_all()
        return sorted(((info, cls) for cls, info in self._info.items()), key=lambda p: p[0].type)

    def targets(self) -> dict[str, str]:
        """Every type name and alias with the ``module:Class`` it names, imported or not."""
        found = {name: entry.target for name, entry in self._indexed.items()}
        found.update((name, _target(cls)) for name, cls in self._by_name.items())
        return found

    def context(self) -> dict[str, Any]:
        """The pydantic validation context that lets flow models resolve ``type``."""
        return {CATALOG_CONTEXT_KEY: self}


def _target(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _classes_of(obj: Any) -> list[type[PluginObject]]:
    if inspect.isclass(obj):
        return [cast(type[PluginObject], obj)]  # register() refuses any other class
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "PLUGINS", ())
    if callable(obj):
        obj = obj()
    return list(obj)


@functools.cache
def default_registry() -> Registry:
    """The registry of every installed plugin, loaded once per process."""
    registry = Registry()
    registry.load_entry_points()
    return registry
