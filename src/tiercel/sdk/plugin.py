"""``@plugin``: names a plugin class with its Kestra type and the legacy aliases it answers to."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tiercel.model.base import PluginObject

P = TypeVar("P", bound=type[PluginObject])

_INFO_ATTRIBUTE = "__tiercel_plugin__"


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What ``@plugin`` records about a class."""

    type: str
    aliases: tuple[str, ...] = ()
    title: str = ""
    deprecated: bool = False

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
) -> Callable[[P], P]:
    """Register a class under a fully qualified type name.

    Args:
        type: the canonical name a flow writes in ``type:``, e.g.
            ``io.kestra.plugin.core.log.Log``.
        aliases: older names that resolve to the same class.
        title: a one-line summary shown by ``tiercel plugins list``; defaults to the first line
            of the class docstring.
        deprecated: Kestra still accepts the type but advises against it.
    """

    def decorate(cls: P) -> P:
        summary = title or (cls.__doc__ or "").strip().split("\n", 1)[0]
        info = PluginInfo(type, tuple(aliases), summary, deprecated)
        setattr(cls, _INFO_ATTRIBUTE, info)
        return cls

    return decorate


def plugin_info(cls: type[PluginObject]) -> PluginInfo | None:
    """Return what ``@plugin`` recorded on this very class (not inherited), if anything."""
    info = cls.__dict__.get(_INFO_ATTRIBUTE)
    return info if isinstance(info, PluginInfo) else None
