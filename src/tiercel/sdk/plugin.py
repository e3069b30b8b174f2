"""``@plugin``: names a plugin class with its Kestra type, the legacy aliases it answers to,
and the example flows that document it."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tiercel.model.base import PluginObject

P = TypeVar("P", bound=type[PluginObject])

_INFO_ATTRIBUTE = "__tiercel_plugin__"


@dataclass(frozen=True, slots=True)
class Example:
    """A complete flow showing a plugin at work, shown in its documentation.

    Every example of every installed plugin is validated by the test suite, and those whose
    ``needs`` is empty are run there too: an example that stops working fails the build.
    """

    title: str
    """What the example shows, in one line."""
    code: str
    """The whole flow, in YAML."""
    needs: tuple[str, ...] = ()
    """Outside services the flow needs to run (``"postgresql"``, ``"internet"``...);
    empty when it runs anywhere."""


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What ``@plugin`` records about a class."""

    type: str
    aliases: tuple[str, ...] = ()
    title: str = ""
    deprecated: bool = False
    examples: tuple[Example, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical type followed by every alias."""
        return (self.type, *self.aliases)


def plugin(
    type: str,
    *,
    aliases: Sequence[str] = (),
    title: str = "",
    deprecated: bool = False,
    examples: Sequence[Example] = (),
) -> Callable[[P], P]:
    """Register a class under a fully qualified type name.

    Args:
        type: the canonical name a flow writes in ``type:``, e.g.
            ``io.kestra.plugin.core.log.Log``.
        aliases: older names that resolve to the same class.
        title: a one-line summary shown by ``tiercel plugins list``; defaults to the first line
            of the class docstring.
        deprecated: Kestra still accepts the type but advises against it.
        examples: complete flows using the type, for its documentation (and the tests).
    """

    def decorate(cls: P) -> P:
        summary = title or (cls.__doc__ or "").strip().split("\n", 1)[0]
        info = PluginInfo(type, tuple(aliases), summary, deprecated, tuple(examples))
        setattr(cls, _INFO_ATTRIBUTE, info)
        return cls

    return decorate


def plugin_info(cls: type[PluginObject]) -> PluginInfo | None:
    """Return what ``@plugin`` recorded on this very class (not inherited), if anything."""
    info = cls.__dict__.get(_INFO_ATTRIBUTE)
    return info if isinstance(info, PluginInfo) else None
