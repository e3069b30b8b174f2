"""Picking up what a stopped process left unfinished: the executions it ran, and the queued
executions whose slot freed while no executor ran."""

import logging

from tiercel.engine import Recover, Start, TaskResult
from tiercel.model.flow import Flow
from tiercel.model.state import State
from tiercel.runtime.executor import Executor
from tiercel.runtime.journal import Left, RunJournal, left_by_the_dead
from tiercel.runtime.lease import ExecutorLease
from tiercel.runtime.wire import WireError, decode_event

_log = logging.getLogger("tiercel.executor")

UNFINISHED = (State.CREATED, State.RUNNING, State.RESTARTED)
"""The states of an execution an executor was working on."""


def pick_up_unfinished(executor: Executor, left: Left | None = None) -> list[str]:
    """Hold every stored execution a stopped process left unfinished, each with a ``Recover``
    event on the inbox; their ids. Those of unknown flows are left as they are.

    With ``left`` (what the journals of the gone processes say), a running task run whose
    attempt ended gets its result, one whose attempt never began is dispatched again without
    a KILLED attempt.
    """
    services = executor.services
    unfinished = services.executions.find(states=[s.value for s in UNFINISHED])
    recovered = []
    for execution_id in unfinished:
        stored = services.executions.load(execution_id)
        if stored is None:
            continue
        execution, runs = stored
        flow = executor.held.find_flow(execution.namespace, execution.flow_id,
                                       execution.flow_revision)  # fmt: skip
        if flow is None:
            continue
        executor.held.hold(flow, execution, runs)
        recovered.append(execution_id)
        if left is None:
            executor.inbox.put(execution_id, Recover())
            continue
        results = [
            result
            for run in runs
            if run.state.current is State.RUNNING
            and (ended := left.results.get(run.id)) is not None
            and ended[0] == len(run.attempts)
            for result in (ended[1],)
        ]
        done = {result.task_run_id for result in results}
        lost = frozenset(run.id for run in runs if run.id not in done)
        began = frozenset(run.id for run in runs if left.started.get(run.id) == len(run.attempts))
        executor.inbox.put(execution_id, Recover(lost=lost, started=began))
        for result in results:
            executor.inbox.put(execution_id, result)
    return recovered


def start_queued(executor: Executor) -> None:
    """Start queued executions whose slot freed while no executor ran."""
    services = executor.services
    flows: dict[tuple[str, str], Flow] = {}
    for execution_id in services.executions.find(states=[State.QUEUED.value]):
        execution = services.executions.get(execution_id)
        if execution is None:
            continue
        flow = executor.held.find_flow(execution.namespace, execution.flow_id, None)
        if flow is not None:
            flows[(flow.namespace, flow.id)] = flow
    for flow in flows.values():
        for queued in executor.slots.to_start(flow):
            executor.inbox.put(queued, Start())


def recover_after_crash(executor: Executor, journal: RunJournal | None) -> None:
    """What a server of the embedded backend does at start: pick up what the previous process
    left (its journals say which attempts began and ended), then start queued executions."""
    left = None if journal is None else left_by_the_dead(journal.folder)
    unfinished = pick_up_unfinished(executor, left)
    if unfinished:
        _log.info("picking up %d unfinished executions", len(unfinished))
    for gone in left.journals if left is not None else ():
        gone.unlink(missing_ok=True)
    start_queued(executor)


def recover_shared(executor: Executor, lease: ExecutorLease) -> None:
    """What the executor of a shared backend does at start, after the previous one.

    Jobs outlive executors and results wait in the inbox: only running task runs with neither
    were lost (the executor died between storing a step and handing it over, or the worker
    that held them died on this machine). The jobs of dead workers had begun (a worker claims
    only what its free threads take); the other lost runs were never handed over, and never
    began.
    """
    work = lease.work
    began = frozenset(job.task_run_id for job in lease.take_back_dead())
    in_hands = work.pending_runs()
    for item in work.take(0, 1_000_000):
        try:
            event = decode_event(item.payload)
        except WireError:  # unreadable, or of another version: the inbox reader says so
            continue
        if isinstance(event, TaskResult):
            in_hands.add(event.task_run_id)
    picked = 0
    for execution_id in executor.services.executions.find(states=[s.value for s in UNFINISHED]):
        view = executor.load(execution_id)
        if view is None:
            continue
        picked += 1
        if view.execution.state.current is State.CREATED:
            executor.admit_stored(execution_id)
            continue
        lost = frozenset(
            run.id
            for run in view.task_runs()
            if run.state.current is State.RUNNING and run.attempts and run.id not in in_hands
        )
        executor.inbox.put(execution_id, Recover(lost=lost, started=began & lost))
    if picked:
        _log.info("picking up %d unfinished executions", picked)
    start_queued(executor)
