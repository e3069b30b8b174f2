"""The executor's timers: items put on its inbox at a given time."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from tiercel.runtime.ports import Inbox, Item


class Timers:
    """Puts items on ``inbox`` when their time comes, and counts those still to go off.

    Two kinds are counted apart: the engine's own timers (task timeouts, SLA deadlines, waits)
    matter only while their execution goes on; the runtime's (a retry, a delayed start) always
    do.
    """

    def __init__(self, inbox: Inbox, clock: Callable[[], datetime]) -> None:
        self._inbox = inbox
        self._clock = clock
        self._lock = threading.Lock()
        self._pending = 0
        self._engine: Counter[str] = Counter()

    def after(
        self, at: datetime, execution_id: str, item: Item, *, engine_timer: bool = False
    ) -> None:
        """Put ``item`` for ``execution_id`` on the inbox at ``at``."""
        delay = (at - self._clock()).total_seconds()
        with self._lock:
            if engine_timer:
                self._engine[execution_id] += 1
            else:
                self._pending += 1

        def fire() -> None:
            self._inbox.put(execution_id, item)
            with self._lock:
                if engine_timer:
                    self._engine[execution_id] -= 1
                    if not self._engine[execution_id]:
                        del self._engine[execution_id]
                else:
                    self._pending -= 1

        timer = threading.Timer(max(0.0, delay), fire)
        timer.daemon = True
        timer.start()

    def pending(self) -> int:
        """The runtime's timers not yet gone off."""
        with self._lock:
            return self._pending

    def engine_timed(self) -> list[str]:
        """The executions with an engine timer not yet gone off."""
        with self._lock:
            return list(self._engine)
