"""The events by which a person edits an execution: a task run's state, the labels."""

from tiercel.engine.core import EngineCore, with_state
from tiercel.engine.events import ChangeTaskRunState, SetLabels
from tiercel.model.execution import TaskRun, evolve
from tiercel.model.labels import SYSTEM_PREFIX
from tiercel.model.state import State


class Changes(EngineCore):
    """Handlers of the changes made by hand through the API."""

    def change_task_run_state(self, event: ChangeTaskRunState) -> None:
        """Kestra's "change state": the task run takes the new state, its enclosing runs run
        again, and the execution goes on from there as after a restart (its error, finally
        and afterExecution branches run again if the new outcome calls for them)."""
        execution = self.view.execution
        ended = execution.state.current.is_terminated
        if not (ended or execution.state.current is State.PAUSED):
            return
        target = self.view.runs.get(event.task_run_id)
        if target is None or not (
            target.state.current.is_terminated or target.state.current is State.PAUSED
        ):
            return
        if ended:
            self._drop_branches_that_ran(keep=target)
        ancestors = list(self.view.ancestors(target))
        self._finish(target, event.state, None)
        for ancestor in ancestors:
            if ancestor.state.current is State.RUNNING:
                continue
            # Resolved again from its children; a working directory is finished anew.
            memo = {k: v for k, v in (ancestor.memo or {}).items() if k != "finishing"}
            running = with_state(ancestor, State.RUNNING, self.now)
            self._save(evolve(running, memo=memo, outputs=None))
            self.pending.append(ancestor.id)
        still_paused = any(run.state.current is State.PAUSED for run in self.view.runs.values())
        if execution.state.current is State.PAUSED and still_paused:
            return  # a parallel branch still waits to be resumed
        self._run_again()
        self.pending.append(None)

    def _drop_branches_that_ran(self, keep: TaskRun) -> None:
        after = {task.id for task in self.view.flow.after_execution or []}
        protected = {keep.id, *(ancestor.id for ancestor in self.view.ancestors(keep))}
        for run in self.view.task_runs():
            if run.id not in self.view.runs or run.id in protected:
                continue
            top_after = run.parent_task_run_id is None and run.task_id in after
            if run.task_id in self.view.index.handlers or top_after:
                self._drop(run)

    def set_labels(self, event: SetLabels) -> None:
        """Replace the labels, keeping the system labels the event does not name."""
        execution = self.view.execution
        named = {label.key for label in event.labels}
        kept = [
            label
            for label in execution.labels
            if label.key.startswith(SYSTEM_PREFIX) and label.key not in named
        ]
        self.view.execution = evolve(execution, labels=(*event.labels, *kept))
        self.step.execution_changed = True
