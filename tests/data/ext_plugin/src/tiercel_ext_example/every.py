"""``com.example.trigger.Every``: fire at each multiple of a duration since the Unix epoch."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tiercel.sdk import (
    Calendar,
    PositiveDuration,
    RecoverMissedSchedules,
    Trigger,
    TriggerContext,
    plugin,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@plugin("com.example.trigger.Every")
class Every(Trigger):
    """Start an execution every ``every``, on the multiples of it since 1970-01-01T00:00Z."""

    every: PositiveDuration
    inputs: dict[str, Any] | None = None
    recover_missed_schedules: RecoverMissedSchedules | None = None

    def calendar(self, ctx: TriggerContext) -> Calendar:
        """The multiples of ``every``; nothing to render."""
        del ctx
        return _Ticks(self.every)


@dataclass(frozen=True, slots=True)
class _Ticks:
    step: timedelta
    late_maximum_delay: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime:
        return _EPOCH + (self._index(moment) + 1) * self.step

    def previous_before(self, moment: datetime) -> datetime:
        index = self._index(moment)
        on_tick = _EPOCH + index * self.step == moment
        return _EPOCH + (index - 1 if on_tick else index) * self.step

    def variables(self, date: datetime) -> dict[str, Any]:
        return {"date": date.isoformat(), "tick": self._index(date)}

    def start_date(self, date: datetime) -> None:
        del date

    def _index(self, moment: datetime) -> int:
        return (moment - _EPOCH) // self.step
