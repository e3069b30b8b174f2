"""What the outside world lends to a render: the clock, the zone, and impure functions.

The expression layer reads no clock, secret store, file or random source itself. Functions
such as ``secret``, ``kv``, ``read`` or ``uuid`` are looked up in ``Environment.functions`` and
called with the template's arguments as given (``kv('KEY', namespace='ns')`` calls
``functions["kv"]("KEY", namespace="ns")``); ``now()`` asks ``Environment.clock``. A render
without them fails with a clear message instead of reaching out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

# Kestra functions that need the outside world; named so the error says "not available here"
# rather than "does not exist".
SERVICE_FUNCTIONS = frozenset(
    {
        "secret",
        "kv",
        "read",
        "fileURI",
        "fileSize",
        "fileExists",
        "isFileEmpty",
        "fileEmpty",
        "uuid",
        "id",
        "nanoId",
        "ksuid",
        "uuidBase62",
        "randomInt",
        "randomNumber",
        "randomPort",
        "errorLogs",
        "encrypt",
        "decrypt",
        "http",
        "subflow",
        "env",
        "tasksWithState",
        "isPublicHoliday",
        "fake",
    }
)


class Environment:
    """The services a render may use.

    Args:
        functions: Implementations of the impure functions (``secret``, ``kv``, ``read``,
            ``fileURI``, ``fileSize``, ``fileExists``, ``isFileEmpty``, ``uuid``, ``id``,
            ``randomInt``, ``errorLogs``, ``encrypt``, ``decrypt``...), by name. Any other name
            becomes a function templates may call too.
        clock: Returns the current time, for ``now()``; an aware datetime is best.
        time_zone: The zone date filters use when none is given (Kestra: the JVM's zone).
        max_render_depth: How many times ``render()`` may re-render (Kestra: 100).
    """

    __slots__ = ("clock", "functions", "max_render_depth", "time_zone")

    def __init__(
        self,
        *,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        time_zone: str = "UTC",
        max_render_depth: int = 100,
    ) -> None:
        self.functions: Mapping[str, Callable[..., Any]] = MappingProxyType(dict(functions or {}))
        self.clock = clock
        self.time_zone = time_zone
        self.max_render_depth = max_render_depth


DEFAULT_ENVIRONMENT = Environment()
