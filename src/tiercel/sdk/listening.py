"""The contract of triggers that listen to executions: Kestra's Flow trigger and its kind.

When an execution changes state, the runtime offers it to every trigger of the deployed flows
that fits ``ExecutionListeningTrigger``, whatever its class; the engine's pure
``flow_trigger_fires`` decides from the trigger's ``states``, ``conditions`` and
``preconditions`` (read through the protocols below, so that frozen models fit) whether it
fires, and the trigger's ``inputs`` are rendered for the new execution.
"""

from collections.abc import Mapping, Sequence
from datetime import time, timedelta
from typing import Any, Protocol, runtime_checkable

from tiercel.model.state import State
from tiercel.model.task import Condition


class WindowSpec(Protocol):
    """A time window, as ``TimeWindow`` declares it (see ``window_bounds``); read-only
    properties so that frozen models fit."""

    @property
    def type(self) -> str: ...

    @property
    def deadline(self) -> time | None: ...

    @property
    def window(self) -> timedelta | None: ...

    @property
    def window_advance(self) -> timedelta | None: ...

    @property
    def start_time(self) -> time | None: ...

    @property
    def end_time(self) -> time | None: ...

    @property
    def timezone(self) -> str | None: ...


@runtime_checkable
class MultipleConditionSpec(Protocol):
    """A deprecated ``MultipleCondition`` among a trigger's ``conditions``: its ``id`` names
    its window in the state; ``time_window`` has its legacy ``window`` folded in."""

    @property
    def id(self) -> str: ...

    @property
    def time_window(self) -> WindowSpec: ...

    @property
    def reset_on_success(self) -> bool: ...

    @property
    def conditions(self) -> Mapping[str, Condition]: ...


class UpstreamFlowSpec(Protocol):
    """A precondition met by an execution in ``namespace`` (exactly), of ``flow_id``, in one
    of ``states`` and carrying ``labels``, each when set."""

    @property
    def namespace(self) -> str: ...

    @property
    def flow_id(self) -> str | None: ...

    @property
    def states(self) -> Sequence[State] | None: ...

    @property
    def labels(self) -> Mapping[str, Any] | None: ...


class FilterSpec(Protocol):
    """One test of an ``ExecutionFilter``: ``field`` (``FLOW_ID``, ``NAMESPACE``, ``STATE``,
    ``EXPRESSION``) compared by ``type`` with ``value`` or, for ``IN``/``NOT_IN``, ``values``."""

    @property
    def field(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def value(self) -> str | None: ...

    @property
    def values(self) -> Sequence[str] | None: ...


class ExecutionFilterSpec(Protocol):
    """A precondition met by an execution passing all (``AND``) or any (``OR``) filters."""

    @property
    def id(self) -> str: ...

    @property
    def operand(self) -> str: ...

    @property
    def filters(self) -> Sequence[FilterSpec]: ...


class PreconditionsSpec(Protocol):
    """The ``preconditions`` of a Flow trigger."""

    @property
    def id(self) -> str: ...

    @property
    def time_window(self) -> WindowSpec: ...

    @property
    def reset_on_success(self) -> bool: ...

    @property
    def flows(self) -> Sequence[UpstreamFlowSpec] | None: ...

    @property
    def where(self) -> Sequence[ExecutionFilterSpec] | None: ...


@runtime_checkable
class ExecutionListeningTrigger(Protocol):
    """A trigger that may start an execution when another execution changes state."""

    @property
    def states(self) -> Sequence[State]: ...

    @property
    def conditions(self) -> Sequence[Condition] | None: ...

    @property
    def preconditions(self) -> PreconditionsSpec | None: ...

    @property
    def inputs(self) -> Mapping[str, Any] | None:
        """The new execution's inputs, rendered with the upstream execution's variables."""
        ...
