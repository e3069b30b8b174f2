"""KV store records and rules shared by every backend: key syntax, value types and their codec.

Kestra keeps a value's type with it (``kvType``: STRING, NUMBER, BOOLEAN, DATETIME, DATE,
DURATION, JSON) and gives it back typed. Here each value is stored as a JSON text together with
its type name, and ``decode_value`` rebuilds the Python value: ``str``, ``int``/``float``,
``bool``, aware ``datetime``, ``date``, ``timedelta`` or any JSON value.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tiercel.model.kv import KVType
from tiercel.model.property import format_duration
from tiercel.storage.errors import InvalidKeyError, InvalidValueError

KV_KEY_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9._-]*$"
"""Kestra's rule for a key (``KVStore.validateKey``)."""

_KEY = re.compile(KV_KEY_PATTERN)
_DURATION = re.compile(
    # The lookaheads refuse an empty duration (``P``, ``PT``, ``P1DT``) as Java does.
    r"([-+]?)P(?=\d|T)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class KVEntry:
    """A live key with its typed value and metadata.

    Attributes:
        namespace: The namespace the key belongs to.
        key: The key.
        value: The value, of the Python type matching ``kv_type``.
        kv_type: The type the value was stored as.
        created_at: When the key was first set (or set again after it expired).
        updated_at: When the value was last written.
        expires_at: When the key stops existing; None for never.
        description: Kestra's ``kvDescription``.
    """

    namespace: str
    key: str
    value: Any
    kv_type: KVType
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None = None
    description: str | None = None

    def is_expired(self, now: datetime) -> bool:
        """Whether the entry's TTL has run out at ``now``."""
        return is_expired(self.expires_at, now)


def is_expired(expires_at: datetime | None, now: datetime) -> bool:
    """Whether an entry expiring at ``expires_at`` is gone at ``now`` (at that instant, it is)."""
    return expires_at is not None and expires_at <= now


def validate_key(key: str) -> str:
    """Return ``key`` if Kestra accepts it as a KV key.

    Raises:
        InvalidKeyError: The key is empty or does not match ``KV_KEY_PATTERN``.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKeyError("a KV key cannot be empty")
    # fullmatch: with ``match`` a trailing newline would slip past ``$``.
    if not _KEY.fullmatch(key):
        raise InvalidKeyError(
            f"invalid KV key {key!r}: it must start with a letter or digit and contain only "
            "letters, digits, dots (.), underscores (_) and hyphens (-)"
        )
    return key


def infer_kv_type(value: Any) -> KVType:
    """The type a value is stored as when the caller gives none."""
    if isinstance(value, bool):
        return KVType.BOOLEAN
    if isinstance(value, int | float):
        return KVType.NUMBER
    if isinstance(value, str):
        return KVType.STRING
    if isinstance(value, datetime):
        return KVType.DATETIME
    if isinstance(value, date):
        return KVType.DATE
    if isinstance(value, timedelta):
        return KVType.DURATION
    return KVType.JSON


def encode_value(value: Any, kv_type: KVType | str | None = None) -> tuple[KVType, str]:
    """Check ``value`` against its type and serialise it.

    Args:
        value: The Python value.
        kv_type: The type to store it as; inferred from the value when None.

    Returns:
        The type and the JSON text to store.

    Raises:
        InvalidValueError: An unknown type name, or a value that does not fit the type.
    """
    kind = infer_kv_type(value) if kv_type is None else _kv_type(kv_type)
    if kind is KVType.STRING and isinstance(value, str):
        return kind, _dumps(value)
    if kind is KVType.NUMBER and _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValueError(f"a NUMBER must be finite, not {value!r}")
        return kind, _dumps(value)
    if kind is KVType.BOOLEAN and isinstance(value, bool):
        return kind, _dumps(value)
    if kind is KVType.DATETIME and isinstance(value, datetime):
        if value.utcoffset() is None:
            raise InvalidValueError(f"a DATETIME needs a time zone: {value.isoformat()!r}")
        return kind, _dumps(value.isoformat())
    if kind is KVType.DATE and isinstance(value, date) and not isinstance(value, datetime):
        return kind, _dumps(value.isoformat())
    if kind is KVType.DURATION and isinstance(value, timedelta):
        return kind, _dumps(format_duration(value))
    if kind is KVType.JSON:
        try:
            return kind, _dumps(value)
        except (TypeError, ValueError) as err:
            raise InvalidValueError(f"value is not JSON: {err}") from None
    raise InvalidValueError(f"a {type(value).__name__} value cannot be stored as {kind.value}")


def decode_value(kv_type: KVType | str, text: str) -> Any:
    """Rebuild the Python value that ``encode_value`` serialised.

    Raises:
        InvalidValueError: The stored text does not fit its type (a corrupted row).
    """
    kind = _kv_type(kv_type)
    raw = json.loads(text)
    try:
        if kind is KVType.DATETIME:
            return datetime.fromisoformat(raw)
        if kind is KVType.DATE:
            return date.fromisoformat(raw)
        if kind is KVType.DURATION:
            return parse_duration(raw)
    except (TypeError, ValueError) as err:
        raise InvalidValueError(f"stored {kind.value} value {raw!r} is unreadable: {err}") from None
    return raw


def parse_duration(text: str) -> timedelta:
    """Parse what ``java.time.Duration.parse`` accepts (days, hours, minutes, seconds).

    Fractions of a second beyond microseconds are truncated.

    Raises:
        ValueError: Not such a duration.
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an ISO-8601 duration: {text!r}")
    sign, days, hours, minutes, seconds, fraction = match.groups()
    span = timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
        microseconds=int((fraction or "").ljust(6, "0")[:6]),
    )
    return -span if sign == "-" else span


def _kv_type(kv_type: KVType | str) -> KVType:
    try:
        return KVType(kv_type)
    except ValueError:
        names = ", ".join(t.value for t in KVType)
        raise InvalidValueError(f"unknown KV type {kv_type!r}: expected one of {names}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
