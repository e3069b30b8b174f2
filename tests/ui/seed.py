"""Executions written straight into a server's store, for the UI tests and the UI benchmark:
a thousand executions in seconds, or one execution with 10,000 task runs and 100,000 log lines,
without waiting for the executor to run them.

They are written through Tiercel's own SQL stores into the SQLite database of a running
``tiercel server local`` (SQLite in WAL mode takes a second process's writes), so the API reads
them exactly as it reads executions it ran itself.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tiercel.model.execution import Attempt, Execution, RunState, TaskRun
from tiercel.model.labels import Label
from tiercel.model.state import State
from tiercel.model.task import LogLevel
from tiercel.storage.records import LogEntry
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.executions import SqlExecutionStore
from tiercel.storage.sql.logs import SqlLogStore
from tiercel.wiring.local import sqlite_url

_ENDED = (State.SUCCESS, State.FAILED, State.WARNING, State.KILLED)


@contextmanager
def stores(data_dir: Path) -> Iterator[tuple[SqlExecutionStore, SqlLogStore]]:
    """The execution and log stores of the server whose data folder is ``data_dir``."""
    with Database(sqlite_url(data_dir)) as db:
        yield SqlExecutionStore(db), SqlLogStore(db)


def _state(final: State, start: datetime, seconds: float) -> RunState:
    running = RunState.start(State.CREATED, start).to(State.RUNNING, start)
    return running.to(final, start + timedelta(seconds=seconds))


def many_executions(
    data_dir: Path, count: int, *, namespace: str, flow_id: str, label: str = "seed:bulk"
) -> list[str]:
    """``count`` ended executions of one flow, a minute apart, states taking turns; their ids."""
    key, _, value = label.partition(":")
    start = datetime.now(UTC) - timedelta(minutes=count + 5)
    ids = []
    with stores(data_dir) as (executions, _):
        for index in range(count):
            when = start + timedelta(minutes=index)
            execution = Execution.model_construct(
                id=f"s{index:05d}{flow_id[:6]}{namespace.replace('.', '')[-8:]}",
                namespace=namespace,
                flow_id=flow_id,
                state=_state(_ENDED[index % len(_ENDED)], when, 1 + index % 7),
                labels=(Label.model_construct(key=key, value=value),),
            )
            executions.save(execution, [])
            ids.append(execution.id)
    return ids


def large_execution(
    data_dir: Path, *, namespace: str, flow_id: str, task_runs: int, log_lines: int
) -> str:
    """One ended execution with ``task_runs`` task runs (loops of 100 iterations nested under
    their loop's run, some retried) and ``log_lines`` log lines spread over them; its id."""
    start = datetime.now(UTC) - timedelta(hours=1)
    execution_id = f"large{task_runs}x{log_lines}"
    runs: list[TaskRun] = []
    loop: TaskRun | None = None
    for index in range(task_runs):
        when = start + timedelta(seconds=index * 0.3)
        if index % 100 == 0:
            loop = TaskRun.model_construct(
                id=f"{execution_id}-loop{index // 100}",
                execution_id=execution_id,
                namespace=namespace,
                flow_id=flow_id,
                task_id=f"loop_{index // 100}",
                state=_state(State.SUCCESS, when, 30),
                attempts=(),
            )
            runs.append(loop)
            continue
        retried = index % 97 == 0
        first = _state(State.FAILED, when, 0.1)
        attempts = [Attempt.model_construct(state=first)] if retried else []
        final = _state(State.SUCCESS, when + timedelta(seconds=0.1 if retried else 0), 0.2)
        attempts.append(Attempt.model_construct(state=final))
        runs.append(
            TaskRun.model_construct(
                id=f"{execution_id}-run{index}",
                execution_id=execution_id,
                namespace=namespace,
                flow_id=flow_id,
                task_id="step",
                parent_task_run_id=loop.id if loop else None,
                value=str(index),
                attempts=tuple(attempts),
                outputs={"value": index},
                state=final,
            )
        )
    seconds = task_runs * 0.3 + 1
    execution = Execution.model_construct(
        id=execution_id,
        namespace=namespace,
        flow_id=flow_id,
        state=_state(State.SUCCESS, start, seconds),
    )
    with stores(data_dir) as (executions, logs):
        executions.save(execution, runs)
        batch: list[LogEntry] = []
        for line in range(log_lines):
            run = runs[line % len(runs)]
            batch.append(
                LogEntry(
                    namespace=namespace,
                    flow_id=flow_id,
                    timestamp=start + timedelta(milliseconds=line),
                    level=LogLevel.WARN if line % 50 == 0 else LogLevel.INFO,
                    message=f"line {line} of {run.task_id}: processed {line * 7} rows",
                    task_id=run.task_id,
                    execution_id=execution_id,
                    task_run_id=run.id,
                    attempt_number=1,
                )
            )
            if len(batch) == 10_000:
                logs.append(batch)
                batch = []
        logs.append(batch)
    return execution_id
