"""The port through which plugin types reach the flow model.

A flow's ``type:`` fields name plugin classes that the model layer cannot import: the registry
discovers them. Validation receives a ``TypeCatalog`` in its context; fields annotated
``AnyTask``, ``AnyTrigger``, ``AnyCondition`` or ``AnyTaskRunner`` dispatch on it.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple, Protocol

from pydantic import BaseModel


class PluginKind(StrEnum):
    """The kinds of pluggable objects a flow names by ``type``."""

    TASK = "task"
    TRIGGER = "trigger"
    CONDITION = "condition"
    TASK_RUNNER = "taskRunner"


class TypeCatalog(Protocol):
    """What the model needs to know about the installed plugins."""

    def resolve(self, kind: PluginKind, type_name: str) -> type[BaseModel] | None:
        """Return the class registered for a type name or alias of that kind, if any."""
        ...

    def classes(self, kind: PluginKind) -> Sequence[type[BaseModel]]:
        """Return every class of that kind, each once."""
        ...

    def kind_of(self, type_name: str) -> PluginKind | None:
        """Return the kind registered under a type name or alias, if any."""
        ...

    def suggest(self, kind: PluginKind, type_name: str) -> str | None:
        """Return the known type name closest to a misspelt one, if one is close."""
        ...

    def canonical_name(self, type_name: str) -> str | None:
        """Return the current name of a type given by any of its names, if it is known."""
        ...

    def is_deprecated(self, type_name: str) -> bool:
        """Tell whether a known type is deprecated."""
        ...

    def expression_problem(self, text: str) -> "ExpressionProblem | None":
        """Say why a string holding ``{{``, ``{%`` or ``{#`` is not a valid template, if it is
        not (the expression language lives beside the model, not under it)."""
        ...


class ExpressionProblem(NamedTuple):
    """Why a template does not parse."""

    message: str
    unclosed: bool
    """A ``{{``, ``{%``, ``{#``, string or block left open: a slip, never what was meant.
    Kestra accepts flows with other syntax errors (they fail when rendered), so only these
    make a flow invalid; the others are warnings."""


CATALOG_CONTEXT_KEY = "tiercel.catalog"
"""The key under which validation context carries the ``TypeCatalog``."""
