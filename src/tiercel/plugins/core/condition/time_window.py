"""The time window of Flow trigger preconditions and of MultipleCondition (not a plugin).

Also holds the check of time-zone ids, shared with the Schedule trigger.
"""

import re
from datetime import time, timedelta
from enum import StrEnum
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from tiercel.sdk import Duration, KestraModel, PositiveDuration

_OFFSET = re.compile(r"[+-](?P<hours>\d{1,2})(:?\d{2}(:?\d{2})?)?")


def is_zone_id(value: str) -> bool:
    """Tell whether Java's ``ZoneId.of`` would accept ``value``: ``Z``, an offset such as
    ``+02:00``, ``UTC``/``GMT``/``UT`` with an optional offset, or a tz database region."""
    if value == "Z":
        return True
    for prefix in ("UTC", "GMT", "UT"):
        if value.startswith(prefix):
            rest = value[len(prefix) :]
            return rest == "" or _is_offset(rest)
    if value[:1] in ("+", "-"):
        return _is_offset(value)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_offset(value: str) -> bool:
    match = _OFFSET.fullmatch(value)
    return match is not None and int(match["hours"]) <= 18


def zone_problem(value: str) -> str | None:
    """Return Kestra's message for a time-zone id it would refuse, else ``None``."""
    if is_zone_id(value):
        return None
    return f"timezone '{value}' is not a valid time-zone ID"


class TimeWindowType(StrEnum):
    """How the window moves over time."""

    DAILY_TIME_DEADLINE = "DAILY_TIME_DEADLINE"
    DAILY_TIME_WINDOW = "DAILY_TIME_WINDOW"
    DURATION_WINDOW = "DURATION_WINDOW"
    SLIDING_WINDOW = "SLIDING_WINDOW"


# For each type: the properties it must not have, then those it must have.
_RULES: dict[TimeWindowType, tuple[tuple[str, ...], tuple[str, ...]]] = {
    TimeWindowType.DAILY_TIME_DEADLINE: (
        ("window", "windowAdvance", "startTime", "endTime"),
        ("deadline",),
    ),
    TimeWindowType.DAILY_TIME_WINDOW: (
        ("window", "windowAdvance", "deadline"),
        ("startTime", "endTime"),
    ),
    TimeWindowType.DURATION_WINDOW: (("deadline", "startTime", "endTime"), ()),
    TimeWindowType.SLIDING_WINDOW: (("deadline", "startTime", "endTime", "windowAdvance"), ()),
}

_WORDS = {
    "window": "a window",
    "windowAdvance": "a window advance",
    "deadline": "a deadline",
    "startTime": "a start time",
    "endTime": "an end time",
}


class TimeWindow(KestraModel):
    """The period in which every precondition must be met for the trigger to fire."""

    type: TimeWindowType = TimeWindowType.DURATION_WINDOW
    deadline: time | None = Field(default=None, description="For `DAILY_TIME_DEADLINE` only.")
    window: PositiveDuration | None = Field(
        default=None, description="For `DURATION_WINDOW` and `SLIDING_WINDOW`; one day if unset."
    )
    window_advance: Duration | None = Field(
        default=None, description="For `DURATION_WINDOW`: shifts the start of each window."
    )
    start_time: time | None = Field(default=None, description="For `DAILY_TIME_WINDOW` only.")
    end_time: time | None = Field(default=None, description="For `DAILY_TIME_WINDOW` only.")
    timezone: str | None = Field(
        default=None, description="Zone of the daily times; the server's zone when unset."
    )

    @field_validator("window_advance")
    @classmethod
    def _non_negative_advance(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < timedelta(0):
            raise ValueError("must not be negative")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        problem = None if value is None else zone_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _fits_its_type(self) -> Self:
        forbidden, required = _RULES[self.type]
        values = {
            "window": self.window,
            "windowAdvance": self.window_advance,
            "deadline": self.deadline,
            "startTime": self.start_time,
            "endTime": self.end_time,
        }
        problems = [
            f"Time window of type `{self.type}` cannot have {_WORDS[name]}."
            for name in forbidden
            if values[name] is not None
        ]
        if not problems:
            problems = [
                f"Time window of type `{self.type}` must have {_WORDS[name]}."
                for name in required
                if values[name] is None
            ]
        if problems:
            raise ValueError(" ".join(problems))
        return self
