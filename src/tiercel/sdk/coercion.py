"""``coerce``: a rendered property turned into the type a task asks for, as ``render_as`` does
it on every ``RunContext``."""

from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def coerce(value: Any, kind: Any) -> Any:
    """``value`` as a ``kind`` (a class or a generic alias such as ``list[str]``), by pydantic's
    lax rules: ``"3"`` is an int, ``"PT1M"`` a timedelta. A value already of a class ``kind``
    (but a bool for an int) is returned as it is.

    Raises:
        pydantic.ValidationError: ``value`` cannot be a ``kind``.
    """
    if isinstance(kind, type) and isinstance(value, kind) and not isinstance(value, bool):
        return value
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        # Building an adapter costs far more than validating: keep one per type.
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    return adapter.validate_python(value)
