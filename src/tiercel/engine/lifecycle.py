"""The events that start, stop, retry, pause, resume and restart an execution."""

from datetime import timedelta
from typing import Any

from tiercel.engine.core import EngineCore, with_state
from tiercel.engine.events import (
    ExecutionEnded,
    KillRuns,
    Recover,
    Restart,
    Resume,
    SetTimer,
    TaskResult,
    Wake,
)
from tiercel.engine.retry import next_delay
from tiercel.model.execution import RunState, TaskRun, attempt_in, evolve
from tiercel.model.state import State
from tiercel.model.task import LogLevel, RetryBehavior, Task
from tiercel.sdk.task import (
    RunnableTask,
)


class Lifecycle(EngineCore):
    """Handlers of the events that move an execution or a task run through its states."""

    def start(self) -> None:
        execution = self.view.execution
        if execution.state.current not in (State.CREATED, State.QUEUED):
            return
        self._set_execution_state(State.RUNNING)
        self.pending.append(None)

    def task_result(self, event: TaskResult) -> None:
        run = self.view.runs.get(event.task_run_id)
        if run is None or run.state.current is not State.RUNNING:
            return  # a duplicate or late report: the first one counted
        task = self.view.index.task(run.task_id)
        state = event.state
        policy = task.retry or self._flow_retry()
        if policy is not None and policy.behavior is RetryBehavior.CREATE_NEW_EXECUTION:
            policy = None  # retried as a new execution, which this engine does not do yet
        if state is State.FAILED and policy is not None:
            delay = next_delay(policy, run, self.now)
            if delay is not None:
                self._retry_later(run, delay)
                return
        if state is State.SUCCESS and policy is not None and len(run.attempts) > 1:
            state = State.WARNING if policy.warning_on_retry else state
        self._finish(run, state, event.outputs)

    def wake(self, event: Wake) -> None:
        run = self.view.runs.get(event.task_run_id)
        if run is None or self.view.execution.state.current.is_terminated:
            return
        if event.timeout:
            self._time_out(run)
            return
        if run.state.current is State.PAUSED:
            self._unpause(run, {"resumed": "timer"})
            return
        if run.state.current is State.RUNNING and run.attempts == ():
            self.pending.append(run.id)  # a flowable asked to be resolved again
            return
        if run.state.current is not State.RETRYING:
            return
        attempt = attempt_in(RunState.start(State.RUNNING, self.now))
        running = with_state(run, State.RUNNING, self.now)
        running = evolve(running, attempts=(*run.attempts, attempt))
        self._dispatch(running, self.view.index.task(run.task_id))

    def recover(self, event: Recover) -> None:
        execution = self.view.execution
        if execution.state.current.is_terminated:
            return
        if execution.state.current is State.CREATED:
            self.start()
            return
        for run in self.view.task_runs():
            task = self.view.index.task(run.task_id)
            state = run.state.current
            if state is State.RUNNING and isinstance(task, RunnableTask) and run.attempts:
                if event.lost is not None and run.id not in event.lost:
                    continue
                if event.started is None or run.id in event.started:
                    self._new_attempt(run, task)
                else:
                    self._dispatch(run, task)
            elif not event.waits:
                continue
            elif state is State.RETRYING:
                self.wake(Wake(run.id))
            elif state is State.RUNNING:
                self.pending.append(run.id)
        if event.waits:
            self.pending.append(None)

    def _new_attempt(self, run: TaskRun, task: Task) -> None:
        """The attempt was lost with its worker: it ends KILLED and a new one starts."""
        last = run.attempts[-1]
        lost = attempt_in(last.state.to(State.KILLED, self.now))
        fresh = attempt_in(RunState.start(State.RUNNING, self.now))
        again = evolve(run, attempts=(*run.attempts[:-1], lost, fresh))
        self._dispatch(again, task)

    def restart(self, event: Restart) -> None:
        """Kestra's restart: failed runs and the runs around them start again, in the same
        execution; the error and finally branches that ran are dropped, to run again if
        needed. Succeeded runs keep their state and outputs."""
        execution = self.view.execution
        if not (execution.state.current.is_terminated or execution.state.current is State.PAUSED):
            return
        failed = {State.FAILED, State.KILLED, State.PAUSED, State.CANCELLED}
        target = self.view.runs.get(event.from_task_run_id or "")
        if target is not None:
            keep = {target.id, *(a.id for a in self.view.ancestors(target))}
            later = self.view.order[self.view.order.index(target.id) + 1 :]
            for run_id in later:
                if run_id in self.view.runs and run_id not in keep:
                    self._drop(self.view.runs[run_id])
        runs = self.view.task_runs()
        for run in runs:
            if run.task_id in self.view.index.handlers and run.id in self.view.runs:
                self._drop(run)
        again = [r for r in self.view.task_runs() if r.state.current in failed]
        if target is not None:
            again.append(target)
        reset: dict[str, TaskRun] = {}
        for run in again:
            reset[run.id] = run
            for ancestor in self.view.ancestors(run):
                reset.setdefault(ancestor.id, ancestor)
        self._run_again()
        for run in reset.values():
            restarted = with_state(run, State.RESTARTED, self.now)
            task = self.view.index.task(run.task_id)
            if isinstance(task, RunnableTask):
                attempt = attempt_in(RunState.start(State.RUNNING, self.now))
                running = with_state(restarted, State.RUNNING, self.now)
                self._dispatch(evolve(running, attempts=(*run.attempts, attempt)), task)
            else:
                memo = {k: v for k, v in (run.memo or {}).items() if k != "resumed"}
                running = with_state(restarted, State.RUNNING, self.now)
                self._save(evolve(running, memo=memo, outputs=None))
                self.pending.append(run.id)
        self.pending.append(None)

    def resume(self, event: Resume) -> None:
        paused = [run for run in self.view.task_runs() if run.state.current is State.PAUSED]
        for run in paused:
            self._unpause(run, {"resumed": "manual", "onResume": event.inputs})

    def _unpause(self, run: TaskRun, notes: dict[str, Any]) -> None:
        memo = {**(run.memo or {}), **notes}
        self._save(evolve(with_state(run, State.RUNNING, self.now), memo=memo))
        self.pending.append(run.id)
        still_paused = any(r.state.current is State.PAUSED for r in self.view.runs.values())
        if self.view.execution.state.current is State.PAUSED and not still_paused:
            self._set_execution_state(State.RUNNING)

    def kill(self, by: str | None = None) -> None:
        if self.view.execution.state.current.is_terminated:
            return
        if by is not None:
            self._log(None, LogLevel.WARN, f"Execution killed by {by}")
            for run in self.view.task_runs():
                if not run.state.current.is_terminated:
                    self._log(run.id, LogLevel.WARN, f"Task run killed by {by}")
        self._stop_live_runs(State.KILLED)
        # Kestra passes through KILLING while its workers stop the runs; here they are marked
        # at once, and the history shows both steps.
        self._set_execution_state(State.KILLING)
        self._set_execution_state(State.KILLED)
        self.step.commands.append(ExecutionEnded(self.view.execution))

    # Resolution

    def _time_out(self, run: TaskRun) -> None:
        if run.state.current.is_terminated:
            return
        task = self.view.index.task(run.task_id)
        self._log(run.id, LogLevel.ERROR, f"Timeout after {task.timeout}")
        if run.state.current is State.PAUSED:
            self._unpause(run, {"resumed": "timeout"})
            run = self.view.runs[run.id]
        elif run.state.current is State.RUNNING and run.attempts:
            self.step.commands.append(KillRuns((run.id,)))
        self._finish(run, State.FAILED, None)

    def _retry_later(self, run: TaskRun, delay: timedelta) -> None:
        last = run.attempts[-1]
        failed = attempt_in(last.state.to(State.FAILED, self.now))
        retrying = with_state(run, State.RETRYING, self.now)
        self._save(evolve(retrying, attempts=(*run.attempts[:-1], failed)))
        self.step.commands.append(SetTimer(self.now + delay, Wake(run.id)))
