"""Waiting for executions to end on an event loop: each waiter is handed its own execution
when it ends on another thread, holds no thread meanwhile, and gives up at its timeout."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from tiercel.model.execution import Execution, RunState
from tiercel.model.state import State
from tiercel.ops.ports import EndSignal

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _execution(execution_id: str, state: State = State.SUCCESS) -> Execution:
    return Execution(id=execution_id, namespace="ns", flowId="f", state=RunState.start(state, T0))


def test_many_waiters_on_one_thread_pool_thread_each_get_their_own_end() -> None:
    ends = EndSignal(lambda _: None)  # a read back would give None: none may happen
    ids = [f"e{n}" for n in range(50)]

    async def scenario() -> list[Execution | None]:
        # One thread in the loop's pool: a waiter that held one would block all the others.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(1))
        waiting = [asyncio.create_task(ends.wait_async(i, 30)) for i in ids]
        await asyncio.sleep(0.05)  # every waiter is registered
        threading.Thread(target=lambda: [ends.ended(_execution(i)) for i in reversed(ids)]).start()
        return await asyncio.gather(*waiting)

    got = asyncio.run(scenario())
    assert [e.id if e is not None else None for e in got] == ids


def test_an_end_before_the_wait_is_read_back() -> None:
    stored = _execution("done", State.FAILED)
    ends = EndSignal(lambda i: stored if i == "done" else None)
    ends.ended(stored)

    got = asyncio.run(ends.wait_async("done", 5))

    assert got is stored


def test_a_waiter_gives_up_at_its_timeout_and_is_forgotten() -> None:
    ends = EndSignal()

    got = asyncio.run(ends.wait_async("never", 0.05))

    assert got is None
    ends.ended(_execution("never"))  # nobody is told any more: no loop to call back into
    assert ends.wait("never", 0) is not None
