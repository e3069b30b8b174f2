"""Durations read the way Kestra's ``java.time.Duration.parse`` reads them.

Java accepts the ISO-8601 letters in either case (``PT5m``, ``pt1s``); pydantic's own parser only
takes upper case, so strings are upper-cased before parsing. Expressions are left alone.
"""

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator


def _upper_iso(value: object) -> object:
    if isinstance(value, str) and value.lstrip("+-")[:1] in ("p", "P"):
        return value.upper()
    return value


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be a positive duration")
    return value


Duration = Annotated[timedelta, BeforeValidator(_upper_iso)]
"""An ISO-8601 duration such as ``PT5M``, in either letter case, or a number of seconds."""

PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
"""A :data:`Duration` longer than zero."""
