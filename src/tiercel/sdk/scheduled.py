"""The contract of scheduled triggers: triggers that fire at dates they compute themselves.

The scheduler finds them by this protocol, not by class: any trigger with a ``calendar``,
``inputs`` and ``recover_missed_schedules`` takes part, a third party's as much as
``io.kestra.plugin.core.trigger.Schedule``. The scheduler keeps the bookkeeping (the date
last evaluated, the next one due, a trigger locked while its execution runs, missed dates,
backfills); the trigger only answers which dates there are.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from tiercel.sdk.trigger import TriggerContext


class RecoverMissedSchedules(StrEnum):
    """What the scheduler does with the dates it missed while it was down."""

    LAST = "LAST"
    NONE = "NONE"
    ALL = "ALL"


class Calendar(Protocol):
    """The dates of one scheduled trigger, its properties rendered; all datetimes aware."""

    @property
    def late_maximum_delay(self) -> timedelta | None:
        """Skip a date that could not start within this delay; None never skips."""
        ...

    def next_after(self, moment: datetime) -> datetime | None:
        """The first date strictly after ``moment``; None when no date is left.

        Raises:
            ValueError: The dates cannot be computed (a cron that matches no date).
        """
        ...

    def previous_before(self, moment: datetime) -> datetime | None:
        """The last date strictly before ``moment``; None when there is none."""
        ...

    def variables(self, date: datetime) -> dict[str, Any]:
        """The ``trigger.*`` variables of the execution scheduled at ``date``. When they hold
        ``next`` and ``previous``, the scheduler replaces them by the neighbouring dates the
        trigger's conditions accept."""
        ...

    def start_date(self, date: datetime) -> datetime | None:
        """When the execution for ``date`` starts (its ``scheduleDate``); None for at once."""
        ...


@runtime_checkable
class ScheduledTrigger(Protocol):
    """A trigger the scheduler fires at the dates of its calendar."""

    @property
    def inputs(self) -> Mapping[str, Any] | None:
        """The inputs of each execution, rendered with ``trigger.*`` of its date."""
        ...

    @property
    def recover_missed_schedules(self) -> RecoverMissedSchedules | None:
        """Missed dates: ``ALL`` fire, only the ``LAST``, or ``NONE``; None for the server's
        default."""
        ...

    def calendar(self, ctx: TriggerContext) -> Calendar:
        """The trigger's dates, its properties rendered with ``ctx``.

        Raises:
            ValueError: A property does not render to what it must (the scheduler logs it).
        """
        ...
