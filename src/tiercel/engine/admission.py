"""Admission: whether a new execution runs now, waits in the queue, or ends at once, as its
flow's ``concurrency`` says.

A pure function of the flow's limit, the new execution and how many executions of the flow
hold a slot (every one started and not yet terminated, paused ones included, as Kestra counts
them). The runtime supplies the count and stores what this answers.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tiercel.model.execution import Execution, evolve
from tiercel.model.flow import Concurrency, ConcurrencyBehavior
from tiercel.model.state import State
from tiercel.model.task import LogLevel


class Verdict(StrEnum):
    """What becomes of a new execution."""

    RUN = "RUN"
    QUEUE = "QUEUE"
    CANCEL = "CANCEL"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Admission:
    """The answer for one new execution.

    Attributes:
        verdict: Run, queue, cancel or fail.
        execution: The execution as it is to be stored: unchanged when it runs, else in the
            QUEUED, CANCELLED or FAILED state.
        level: The level of the line to log about it, if any.
        message: The line to log (Kestra's wording), if any.
    """

    verdict: Verdict
    execution: Execution
    level: LogLevel | None = None
    message: str | None = None


_ENDS = {
    ConcurrencyBehavior.QUEUE: (Verdict.QUEUE, State.QUEUED),
    ConcurrencyBehavior.CANCEL: (Verdict.CANCEL, State.CANCELLED),
    ConcurrencyBehavior.FAIL: (Verdict.FAIL, State.FAILED),
}


def admit(
    concurrency: Concurrency | None, execution: Execution, running: int, now: datetime
) -> Admission:
    """Admit ``execution`` given the flow's ``concurrency`` and the ``running`` count.

    Under the limit (or without one) it runs. At the limit, Kestra's ``behavior`` decides:
    QUEUE stores it QUEUED until a slot frees, CANCEL ends it CANCELLED without a line, FAIL
    ends it FAILED with an error line; no task of it runs.
    """
    if concurrency is None or running < concurrency.limit:
        return Admission(Verdict.RUN, execution)
    verdict, state = _ENDS[concurrency.behavior]
    changed = evolve(execution, state=execution.state.to(state, now))
    if verdict is Verdict.QUEUE:
        message = f"Execution is queued due to concurrency limit exceeded, {running} running(s)"
        return Admission(verdict, changed, LogLevel.INFO, message)
    if verdict is Verdict.FAIL:
        message = "Execution is FAILED due to concurrency limit exceeded"
        return Admission(verdict, changed, LogLevel.ERROR, message)
    return Admission(verdict, changed)


def free_slots(concurrency: Concurrency | None, running: int) -> int | None:
    """How many queued executions may start now that ``running`` hold a slot; None when the
    flow has no limit (nothing of it is ever queued)."""
    if concurrency is None:
        return None
    return max(0, concurrency.limit - running)


__all__ = ["Admission", "Verdict", "admit", "free_slots"]
