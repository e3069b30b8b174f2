"""The executor's inbox in memory: a queue other threads put work on."""

import queue

from tiercel.runtime.ports import Item


class MemoryInbox:
    """An ``Inbox`` for one process (``flow test``, ``server local``).

    A ``SimpleQueue``: its put and get are C calls, where ``queue.Queue``'s take Python-level
    locks and conditions, which cost more than the handover itself when every task run's
    result comes through here.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, Item]] = queue.SimpleQueue()

    def put(self, execution_id: str, item: Item) -> None:
        """Hand over ``item`` for the execution ``execution_id`` ("" for none)."""
        self._queue.put((execution_id, item))

    def get(self, timeout: float | None) -> tuple[str, Item] | None:
        """The next item, or None when none came within ``timeout`` seconds."""
        if timeout == 0 and self._queue.empty():
            return None  # the common case of a caller draining what waits: no exception
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def empty(self) -> bool:
        """Whether nothing waits."""
        return self._queue.empty()

    def depth(self) -> int:
        """How many items wait."""
        return self._queue.qsize()

    def nudge(self) -> None:
        """Nothing to do: work put here is seen at once."""

    def posted(self, seq: int, execution_id: str, payload: bytes) -> None:
        """Nothing to do: this inbox reads no table."""
