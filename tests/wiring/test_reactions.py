"""The thread that reacts to executions' changes keeps none of them once handled: an idle
server would otherwise hold the last one (its trigger body, outputs: megabytes) for good."""

import gc
import threading
import time
import weakref
from datetime import UTC, datetime
from typing import Any

from tiercel.model.execution import Execution, ExecutionTrigger, RunState
from tiercel.model.state import State
from tiercel.wiring.reactions import Reactions


class Payload:
    """Stands for a large trigger body; it can be watched with a weak reference."""


class Listener:
    """Records the executions it is told of (as the scheduler and flow triggers are)."""

    def __init__(self) -> None:
        self.seen = threading.Event()

    def execution_ended(self, execution: Execution) -> None:
        pass

    def execution_changed(self, execution: Execution) -> None:
        self.seen.set()


def test_a_handled_execution_is_not_kept_by_the_waiting_thread() -> None:
    reactions = Reactions()
    listener = Listener()
    reactions.attach(listener, listener)  # type: ignore[arg-type]
    thread = threading.Thread(target=reactions.serve, daemon=True)
    thread.start()
    payload = Payload()
    watched = weakref.ref(payload)
    trigger = ExecutionTrigger.model_construct(
        id="hook", type="io.kestra.plugin.core.trigger.Webhook", variables={"body": payload}
    )
    now = datetime(2026, 1, 1, tzinfo=UTC)
    execution: Any = Execution.model_construct(
        id="e1", namespace="n", flow_id="f", state=RunState.start(State.SUCCESS, now),
        trigger=trigger,
    )  # fmt: skip
    reactions.put(execution, ended=True)
    del payload, trigger, execution
    assert listener.seen.wait(30)
    # The thread is now waiting for the next change; whatever it holds stays alive.
    deadline = time.monotonic() + 30
    while watched() is not None and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    held = watched() is not None
    reactions.close()
    thread.join(30)
    assert not held, "the reactions thread still holds the last execution"
