"""``io.kestra.plugin.core.kv.Set``: store a value in a namespace's key-value store."""

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError

from tiercel.sdk import (
    Duration,
    KVType,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    Violation,
    plugin,
)

FLOW_NAMESPACE = "{{ flow.namespace }}"
"""The namespace the KV tasks use unless told otherwise."""

# One ``{{ expr }}`` and nothing else: Kestra's ``renderTyped`` keeps the value's type then.
_SINGLE_EXPRESSION = re.compile(
    r"\s*\{\{-?(?P<expr>(?:(?!\{\{|\}\}|\{%|%\}).)+?)-?\}\}\s*", re.DOTALL
)
_DURATION: TypeAdapter[Any] = TypeAdapter(Duration)


@plugin("io.kestra.plugin.core.kv.Set")
class Set(RunnableTask):
    """Create or replace a key-value pair."""

    key: Text
    value: Any = Field(description="Rendered; kept typed unless `kvType` converts it.")
    kv_description: Text | None = None
    namespace: Text = FLOW_NAMESPACE
    overwrite: Property[bool] = Field(
        default=True, description="Replace an existing value; when false, fail instead."
    )
    ttl: Property[Duration] | None = Field(
        default=None, description="Delete the pair after this duration; never when unset."
    )
    kv_type: Property[KVType] | None = Field(
        default=None, description="Convert the rendered value; stored as given when unset."
    )

    def violations(self) -> list[Violation]:
        """``value`` may not be null."""
        found = super().violations()
        if self.value is None:
            found.append(Violation(("value",), "must not be null"))
        return found

    def run(self, ctx: RunContext) -> None:
        """Render the value, convert it to ``kvType`` if it rendered as text, and store it.

        ``kvDescription`` is not stored: the sdk's ``KeyValues`` has no description yet.
        """
        namespace = str(ctx.render(self.namespace))
        key = str(ctx.render(self.key))
        value = render_typed(ctx, self.value)
        if self.kv_type is not None and isinstance(value, str):
            value = _convert(value, ctx.render_as(self.kv_type, KVType))
        if value is None:
            raise TaskFailure(f"The value of key '{key}' rendered as null")
        ttl = ctx.render_as(self.ttl, timedelta) if self.ttl is not None else None
        overwrite = ctx.render_as(self.overwrite, bool)
        store = ctx.kv(namespace)
        if not overwrite and key in store.keys(key):
            raise TaskFailure(
                f"Cannot set value for key '{key}'. Key already exists and `overwrite` is set "
                "to `false`."
            )
        store.set(key, value, ttl=ttl, overwrite=overwrite)


def render_typed(ctx: RunContext, value: Any) -> Any:
    """Render ``value`` as Kestra's ``renderTyped`` does.

    A string that is exactly one ``{{ expr }}`` gives the expression's value with its type (a
    number, a map...); other strings render to text, and other values render recursively.
    ``RunContext`` only renders to text, so the value goes through ``toJson`` and back.
    """
    if isinstance(value, str):
        match = _SINGLE_EXPRESSION.fullmatch(value)
        if match is not None:
            return json.loads(str(ctx.render("{{ (" + match["expr"] + ") | toJson }}")))
    return ctx.render(value)


def _convert(text: str, kind: KVType) -> Any:
    """Kestra's conversion of a rendered text to ``kvType``."""
    try:
        if kind is KVType.NUMBER:
            number = json.loads(text)
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ValueError("not a number")
            return number
        if kind is KVType.BOOLEAN:
            # Java's Boolean.parseBoolean: anything but "true" (any case) is false.
            return text.strip().lower() == "true"
        if kind is KVType.DATETIME:
            return _instant(text)
        if kind is KVType.DATE:
            return _date(text)
        if kind is KVType.DURATION:
            return _DURATION.validate_python(text)
        if kind is KVType.JSON:
            return json.loads(text)
    except (ValueError, ValidationError) as exc:
        raise TaskFailure(f"Cannot read {text!r} as a {kind.value} value: {exc}") from None
    return text


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    if moment.utcoffset() is None:
        raise ValueError("an instant needs a time zone, such as 2024-01-31T10:00:00Z")
    return moment


def _date(text: str) -> date:
    stripped = text.strip()
    if "T" in stripped:
        # Kestra parses a DATE as an instant; the day is what remains of it.
        return _instant(stripped).date()
    return date.fromisoformat(stripped)
