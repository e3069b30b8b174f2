"""Java ``DateTimeFormatter`` patterns for plugins that format and read dates as Kestra's do
(``yyyy-MM-dd'T'HH:mm:ss.SSS[XXX]``, ``dd/MM/yyyy``)."""

import datetime as dt
import re

from tiercel.expr import ExpressionError
from tiercel.expr.javatime import format_pattern, parse_pattern

__all__ = ["format_pattern", "parse_with_pattern"]

_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?")


def _zone(text: str) -> dt.tzinfo:
    """The fixed offset a pattern's zone field found (``Z``, ``+01:00``, ``GMT+2``...)."""
    upper = text.upper().removeprefix("GMT").removeprefix("UTC")
    if upper in ("", "Z"):
        return dt.UTC
    match = _OFFSET.fullmatch(upper)
    if match is None:
        raise ExpressionError(f"Unknown offset '{text}'")
    sign, hours, minutes, seconds = match.groups()
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
    return dt.timezone(-delta if sign == "-" else delta)


def parse_with_pattern(text: str, pattern: str) -> tuple[dt.datetime, bool]:
    """Read ``text`` with a Java pattern (``dd/MM/yyyy HH:mm``).

    Returns:
        The moment (aware when the text has an offset, naive otherwise) and whether the
        pattern found a time in it.

    Raises:
        ValueError: The text does not match the pattern.
    """
    try:
        parsed = parse_pattern(text, pattern, _zone)
    except ExpressionError as exc:
        raise ValueError(str(exc)) from None
    value = parsed.value if parsed.zone is None else parsed.value.replace(tzinfo=parsed.zone)
    return value, parsed.has_time
