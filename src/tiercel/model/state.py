"""Execution and task-run states, with Kestra's names and groups."""

from enum import StrEnum


class State(StrEnum):
    """Every state an execution or a task run can be in."""

    CREATED = "CREATED"
    SUBMITTED = "SUBMITTED"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    RESTARTED = "RESTARTED"
    KILLING = "KILLING"
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"
    FAILED = "FAILED"
    KILLED = "KILLED"
    CANCELLED = "CANCELLED"
    QUEUED = "QUEUED"
    RETRYING = "RETRYING"
    RETRIED = "RETRIED"
    SKIPPED = "SKIPPED"
    BREAKPOINT = "BREAKPOINT"
    RESUBMITTED = "RESUBMITTED"

    @property
    def is_terminated(self) -> bool:
        """Whether the state is final."""
        return self in TERMINATED


TERMINATED = frozenset(
    {
        State.FAILED,
        State.WARNING,
        State.SUCCESS,
        State.KILLED,
        State.CANCELLED,
        State.RETRIED,
        State.SKIPPED,
    }
)
