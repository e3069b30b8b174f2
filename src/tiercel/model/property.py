"""Dynamic properties: a literal of the declared type, or an expression rendered at run time.

Kestra 1.x declares most task properties as ``Property<T>``: the YAML may hold a value of type
``T`` or a string with ``{{ ... }}`` that is rendered, then coerced to ``T``, when the task runs.
"""

from datetime import timedelta
from typing import Annotated, TypeVar, Union

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

T = TypeVar("T")


def is_expression(value: object) -> bool:
    """Tell whether a value is a string that the expression language would render."""
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _must_be_expression(value: str) -> str:
    if not is_expression(value):
        raise ValueError("expected a value of the declared type or a {{ expression }}")
    return value


Expression = Annotated[str, AfterValidator(_must_be_expression)]
"""A string holding at least one ``{{ }}`` or ``{% %}`` block."""

Property = Union[T, Expression]  # noqa: UP007 - a generic alias needs Union to be subscriptable
"""``Property[int]`` accepts ``5``, ``"5"`` and ``"{{ inputs.n }}"``."""


def _scalar_to_str(value: object) -> object:
    # Jackson turns YAML booleans and numbers into text for String properties.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


Text = Annotated[
    str,
    BeforeValidator(_scalar_to_str),
    WithJsonSchema({"type": ["string", "number", "boolean"]}),
]
"""A string property that, like Kestra's, also takes a YAML number or boolean as its text."""


def _upper_iso(value: object) -> object:
    # java.time.Duration.parse takes the ISO-8601 letters in either case (PT5m, pt1s).
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
"""A ``Duration`` longer than zero."""


_ZERO = timedelta(0)


def format_duration(span: timedelta) -> str:
    """An ISO-8601 duration as Java's ``Duration.toString`` writes it: ``PT1H30M``, ``PT0.5S``.

    Days are written as hours (``PT48H``), as Java does.
    """
    if span < _ZERO:
        return "-" + format_duration(-span)
    # From the timedelta's own fields: an execution read writes two of these a task run.
    seconds = span.days * 86_400 + span.seconds
    micros = span.microseconds
    if not seconds and not micros:
        return "PT0S"
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if seconds or micros:
        fraction = f".{micros:06d}".rstrip("0") if micros else ""
        text += f"{seconds}{fraction}S"
    return text
