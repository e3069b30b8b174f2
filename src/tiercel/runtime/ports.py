"""The ports the executor loop is composed of: where its work comes from (an inbox), where
task runs go (a dispatcher), and what each item of work is.

The loop runs on one thread and alone touches the executions it holds; everything else hands
it work through the inbox.
"""

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tiercel.engine import Event, RunTask
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.storage.work import Job


@dataclass(frozen=True, slots=True)
class Retry:
    """Time to create the execution that retries ``execution``."""

    execution: Execution


@dataclass(frozen=True, slots=True)
class Admit:
    """A process without an executor stored this new execution: apply its flow's concurrency
    limit and start it (or queue it, or refuse it)."""


@dataclass
class Call:
    """Work to do on the executor thread, its result or error handed back to the caller."""

    work: Callable[[], Any]
    done: threading.Event
    result: Any = None
    error: BaseException | None = None

    def run(self) -> None:
        """Do the work; tell the caller."""
        try:
            self.result = self.work()
        except BaseException as exc:  # handed back to the caller's thread
            self.error = exc
        finally:
            self.done.set()


@dataclass
class Create:
    """A new execution to admit, stored in the same transaction as the steps applied with it
    (its start among them); the caller is told once it is stored."""

    flow: Flow
    execution: Execution
    done: threading.Event
    result: Execution | None = None
    error: BaseException | None = None

    def answer(self, result: Execution | None, error: BaseException | None = None) -> None:
        """Tell the caller: the execution as stored, or why it was not."""
        self.result, self.error = result, error
        self.done.set()


Item = Event | Retry | Admit | Call | Create
"""One item of the executor's work, for an execution (a call is for none)."""


class Inbox(Protocol):
    """Where the executor's work waits, in order."""

    def put(self, execution_id: str, item: Item) -> None:
        """Hand over ``item`` for the execution ``execution_id`` ("" for none)."""
        ...

    def get(self, timeout: float | None) -> tuple[str, Item] | None:
        """The next item, or None when none came within ``timeout`` seconds."""
        ...

    def empty(self) -> bool:
        """Whether nothing waits."""
        ...

    def depth(self) -> int:
        """How many items wait."""
        ...

    def nudge(self) -> None:
        """Look for work now: something was posted for this executor in this process."""
        ...

    def posted(self, seq: int, execution_id: str, payload: bytes) -> None:
        """This process posted ``payload`` to the inbox table as item ``seq`` (committed): an
        inbox reading that table takes it from here instead of reading it back."""
        ...


class Dispatcher(Protocol):
    """Where the executor sends the task runs to run, and their kills."""

    def open(self) -> None:
        """Get ready to take task runs."""
        ...

    def close(self) -> None:
        """Let the task runs of this process finish; take no more."""
        ...

    def stage(self, execution: Execution, commands: Sequence[RunTask]) -> Sequence[Job]:
        """The jobs for workers among ``commands`` (one step of ``execution``), to be stored
        in the step's own transaction; ``dispatch`` leaves them alone afterwards.

        Raises:
            WireError: A task run's variables are not plain data (JSON cannot hold them).
        """
        ...

    def unstage(self) -> None:
        """The jobs ``stage`` made since the last ``flush`` were not stored (the transaction
        failed): forget them."""
        ...

    def dispatch(self, execution: Execution, commands: Sequence[RunTask]) -> None:
        """Have the task runs of ``commands`` (one step of ``execution``) run, once the step
        is stored, except those ``stage`` made jobs of; their results come back through the
        inbox."""
        ...

    def kill(self, run_ids: list[str]) -> None:
        """Stop the task runs of ``run_ids`` wherever they run."""
        ...

    def flush(self) -> None:
        """Hand over what the last step dispatched (once it is stored)."""
        ...

    def outstanding(self) -> int:
        """Task runs dispatched whose result has not come back to this process."""
        ...

    def drain(self) -> None:
        """Start no more task runs in this process (a shutdown is under way)."""
        ...

    def stats(self) -> dict[str, float]:
        """Gauges for ``/metrics``."""
        ...
