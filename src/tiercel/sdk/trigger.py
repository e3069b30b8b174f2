"""The contract of triggers that watch something outside Tiercel: polling and realtime ones.

The scheduler calls a ``PollingTrigger`` every ``interval`` and starts one execution for each
``Emission`` it returns; it hands a ``RealtimeTrigger`` a thread and an ``emit`` callback and
starts an execution per call. Either way the values of an emission are the new execution's
``{{ trigger.* }}`` variables. Triggers of the other kinds fit a protocol instead:
``ScheduledTrigger`` (``tiercel.sdk.scheduled``), ``WebhookTrigger`` (``tiercel.sdk.webhook``)
and ``ExecutionListeningTrigger`` (``tiercel.sdk.listening``).
"""

import threading
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO, Protocol

from pydantic import Field

from tiercel.model import Trigger
from tiercel.model.property import Duration
from tiercel.model.task import LogLevel


@dataclass(frozen=True, slots=True)
class Emission:
    """One execution to start: its ``trigger.*`` variables, and labels to add to it."""

    variables: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


class TriggerContext(Protocol):
    """What a polling or realtime trigger receives from the scheduler."""

    @property
    def namespace(self) -> str:
        """The namespace of the trigger's flow."""
        ...

    @property
    def flow_id(self) -> str:
        """The id of the trigger's flow."""
        ...

    @property
    def trigger_id(self) -> str:
        """The trigger's id."""
        ...

    @property
    def state(self) -> MutableMapping[str, Any]:
        """The trigger's own notes (files already seen, a cursor), JSON values only. They are
        stored after each evaluation and survive a restart of the scheduler."""
        ...

    def now(self) -> datetime:
        """The scheduler's clock (injected: tests move it by hand)."""
        ...

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        """Render a property with the flow's variables (``flow``, ``envs``, ``globals``) and
        ``extra`` ones (an HTTP trigger's ``response``, say)."""
        ...

    def log(self, level: LogLevel, message: str) -> None:
        """Log a line about this trigger (shown with the flow's trigger logs)."""
        ...

    def put_file(self, name: str, data: bytes | BinaryIO) -> str:
        """Store a file in internal storage for the execution to come; its ``kestra://`` URI."""
        ...

    def allowed_path(self, path: str) -> bool:
        """Whether the server's configuration lets triggers read this local path
        (Kestra's ``allowed-paths``). A trigger must refuse a path that is not allowed."""
        ...


class PollingTrigger(Trigger):
    """A trigger that the scheduler asks, every ``interval``, whether to start executions."""

    interval: Duration = Field(
        default=timedelta(minutes=1), description="How long to wait between two evaluations."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """Look once; one emission per execution to start (none most of the time).

        Raise ``TaskFailure`` to log a failed evaluation; the scheduler tries again at the
        next interval.
        """
        raise NotImplementedError(f"{self.type} cannot be evaluated in this version of Tiercel")


class RealtimeTrigger(Trigger):
    """A trigger that watches continuously and starts an execution per event."""

    def listen(
        self, ctx: TriggerContext, emit: Callable[[Emission], None], stop: threading.Event
    ) -> None:
        """Watch until ``stop`` is set, calling ``emit`` for each event; runs on a thread of
        its own. Return when ``stop`` is set; raise ``TaskFailure`` to give up with a message
        (the scheduler logs it and starts listening again after a delay)."""
        raise NotImplementedError(f"{self.type} cannot listen in this version of Tiercel")
