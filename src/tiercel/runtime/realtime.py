"""Realtime triggers: each listens on a thread of its own, started, restarted after a failure
and stopped as the deployed flows change."""

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from tiercel.model.flow import Flow
from tiercel.model.task import LogLevel, Trigger
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_records import TriggerRecords
from tiercel.runtime.trigger_starts import TriggerStarts
from tiercel.sdk import Emission, RealtimeTrigger

_Uid = tuple[str, str, str]


@dataclass
class _Listener:
    trigger: Trigger
    thread: threading.Thread
    stop: threading.Event


class RealtimeListeners:
    """The listening threads of the deployed realtime triggers.

    Args:
        services: The clock.
        records: The trigger records (a listener's state is saved on its record).
        starts: Starts the executions the triggers emit.
        restart_delay: Seconds before a trigger that failed listens again.
    """

    def __init__(
        self,
        services: Services,
        records: TriggerRecords,
        starts: TriggerStarts,
        restart_delay: float,
    ) -> None:
        self._services = services
        self._records = records
        self._starts = starts
        self._restart_delay = restart_delay
        self._listeners: dict[_Uid, _Listener] = {}

    def sync(self, triggers: Iterable[tuple[Flow, Trigger]]) -> None:
        """Listen with exactly ``triggers`` (the enabled ones): start the new ones, stop the
        removed or changed ones, restart those whose thread died."""
        wanted: dict[_Uid, tuple[Flow, Trigger]] = {}
        for flow, trigger in triggers:
            with self._records.lock:
                record = self._records.record(flow, trigger, self._services.clock())
            if not record.disabled:
                wanted[record.uid] = (flow, trigger)
        for uid, listener in list(self._listeners.items()):
            entry = wanted.get(uid)
            if entry is None or entry[1] != listener.trigger or not listener.thread.is_alive():
                listener.stop.set()
                del self._listeners[uid]
        for uid, (flow, trigger) in wanted.items():
            if uid not in self._listeners:
                stop = threading.Event()
                thread = threading.Thread(
                    target=self._listen,
                    args=(flow, trigger, stop),
                    name=f"trigger-{flow.namespace}.{flow.id}.{trigger.id}",
                    daemon=True,
                )
                self._listeners[uid] = _Listener(trigger, thread, stop)
                thread.start()

    def stop(self) -> None:
        """Stop every listener and wait for its thread (a bounded time)."""
        listeners = list(self._listeners.values())
        self._listeners.clear()
        for listener in listeners:
            listener.stop.set()
        for listener in listeners:
            listener.thread.join(timeout=self._restart_delay + 5.0)

    def _listen(self, flow: Flow, trigger: Trigger, stop: threading.Event) -> None:
        if not isinstance(trigger, RealtimeTrigger):
            return
        with self._records.lock:
            record = self._records.record(flow, trigger, self._services.clock())
        context = self._starts.context(flow, trigger, record)

        def emit(emission: Emission) -> None:
            self._starts.emit(flow, trigger, emission)
            self._records.save_state(record, dict(context.state))

        while not stop.is_set():
            try:
                trigger.listen(context, emit, stop)
            except Exception as exc:
                self._starts.log(flow, trigger, LogLevel.ERROR, f"Listening failed: {exc}")
            stop.wait(self._restart_delay)
