"""The engine as a table: flow + worker outcomes → states, task runs and outputs."""

from datetime import timedelta

from tests.engine.harness import Run, load
from tiercel.engine import Kill, Recover, Resume, StepLog, TaskResult, advance
from tiercel.model import State
from tiercel.model.task import LogLevel

LOG = "io.kestra.plugin.core.log.Log"
FAIL = "io.kestra.plugin.core.execution.Fail"
RETURN = "io.kestra.plugin.core.debug.Return"


def flow(tasks: str, extra: str = "") -> str:
    return f"id: f\nnamespace: t\n{extra}\ntasks:\n{tasks}"


def test_sequential_tasks_run_in_order_and_outputs_chain() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: a, type: {RETURN}, format: "one"}}
  - {{id: b, type: {RETURN}, format: "{{{{ outputs.a.value }}}}-two"}}
  - {{id: c, type: {LOG}, message: "{{{{ outputs.b.value }}}}"}}
"""
            )
        )
    ).until_end()
    assert run.state is State.SUCCESS
    assert run.started == ["a", "b", "c"]
    assert run.view.outputs["b"] == {"value": "one-two"}
    assert run.ended


def test_a_failure_stops_the_rest_runs_errors_and_finally() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: a, type: {LOG}, message: x}}
  - {{id: boom, type: {FAIL}}}
  - {{id: never, type: {LOG}, message: x}}
""",
                extra=f"""errors:
  - {{id: on_error, type: {LOG}, message: x}}
finally:
  - {{id: cleanup, type: {LOG}, message: x}}""",
            )
        )
    ).until_end()
    assert run.state is State.FAILED
    assert run.started == ["a", "boom", "on_error", "cleanup"]


def test_allow_failure_and_allow_warning() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: boom, type: {FAIL}, allowFailure: true}}
  - {{id: after, type: {LOG}, message: x}}
"""
            )
        )
    ).until_end()
    assert run.state is State.WARNING
    assert run.started == ["boom", "after"]
    assert run.runs("boom")[0].state.current is State.FAILED


def test_run_if_false_skips_the_task() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: maybe, type: {LOG}, message: x, runIf: "{{{{ inputs.go }}}}"}}
  - {{id: after, type: {LOG}, message: x}}
"""
            )
        ),
        inputs={"go": False},
    ).until_end()
    assert run.state is State.SUCCESS
    assert run.states() == [("maybe", None, "SKIPPED"), ("after", None, "SUCCESS")]


def test_parallel_starts_all_children_or_concurrent_at_a_time() -> None:
    tasks = "\n".join(f"      - {{id: t{i}, type: {LOG}, message: x}}" for i in range(4))
    wide = Run(
        load(flow(f"  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n{tasks}"))
    )
    assert len(wide.start().queue) == 4
    narrow = Run(
        load(
            flow(
                "  - id: p\n    type: io.kestra.plugin.core.flow.Parallel\n"
                f"    concurrent: 2\n    tasks:\n{tasks}"
            )
        )
    )
    assert len(narrow.start().queue) == 2
    narrow.drain()
    assert narrow.state is State.SUCCESS
    assert narrow.runs("p")[0].state.current is State.SUCCESS


def test_each_parallel_gives_each_child_its_value_and_nests_outputs() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: each
    type: io.kestra.plugin.core.flow.EachParallel
    value: ["file1.csv", "file2.csv", "file3.csv"]
    tasks:
      - id: seq
        type: io.kestra.plugin.core.flow.Sequential
        tasks:
          - {{id: ret, type: {RETURN}, format: "got {{{{ parent.taskrun.value }}}}"}}
  - {{id: last, type: {RETURN}, format: "{{{{ outputs.ret['file2.csv'].value }}}}"}}
"""
            )
        )
    ).until_end()
    assert run.state is State.SUCCESS
    assert [r.value for r in run.runs("seq")] == ["file1.csv", "file2.csv", "file3.csv"]
    assert run.view.outputs["ret"]["file3.csv"] == {"value": "got file3.csv"}
    assert run.view.outputs["last"] == {"value": "got file2.csv"}


def test_each_sequential_runs_value_by_value_and_task_by_task() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: each
    type: io.kestra.plugin.core.flow.EachSequential
    value: '[1, {{"k": "v"}}]'
    tasks:
      - {{id: a, type: {LOG}, message: x}}
      - {{id: b, type: {LOG}, message: x}}
"""
            )
        )
    ).until_end(lifo=True)
    assert [(t, v) for t, v, _ in run.states()[1:]] == [
        ("a", "1"),
        ("b", "1"),
        ("a", '{"k":"v"}'),
        ("b", '{"k":"v"}'),
    ]


def test_for_each_runs_groups_up_to_the_limit() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: [a, b, c, a]
    concurrencyLimit: 2
    tasks:
      - {{id: one, type: {LOG}, message: x}}
      - {{id: two, type: {LOG}, message: x}}
"""
            )
        )
    )
    run.start()
    assert [(c.run.task_id, c.run.value) for c in run.queue] == [("one", "a"), ("one", "b")]
    run.drain()
    assert run.state is State.SUCCESS
    assert sorted((r.task_id, r.value) for r in run.view.task_runs() if r.value) == sorted(
        (t, v) for t in ("one", "two") for v in ("a", "b", "c")
    )


def test_if_and_switch_choose_branches_and_expose_outputs() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{{{ inputs.n > 2 }}}}"
    then: [{{id: big, type: {LOG}, message: x}}]
    else: [{{id: small, type: {LOG}, message: x}}]
  - id: pick
    type: io.kestra.plugin.core.flow.Switch
    value: "{{{{ inputs.colour }}}}"
    cases:
      red: [{{id: r, type: {LOG}, message: x}}]
    defaults: [{{id: other, type: {LOG}, message: x}}]
"""
            )
        ),
        inputs={"n": 5, "colour": "blue"},
    ).until_end()
    assert run.state is State.SUCCESS
    assert run.started == ["big", "other"]
    assert run.view.outputs["check"] == {"evaluationResult": True}
    assert run.view.outputs["pick"] == {"value": "blue", "defaults": True}


def test_dag_follows_dependencies() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: dag
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task: {{id: load, type: {LOG}, message: x}}
        dependsOn: [extract]
      - task: {{id: extract, type: {LOG}, message: x}}
      - task: {{id: report, type: {LOG}, message: x}}
        dependsOn: [load, extract]
"""
            )
        )
    ).until_end()
    assert run.state is State.SUCCESS
    assert run.started == ["extract", "load", "report"]


def test_a_failure_inside_a_flowable_fails_it_and_the_flow() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - {{id: boom, type: {FAIL}}}
    errors:
      - {{id: local_error, type: {LOG}, message: x}}
  - {{id: never, type: {LOG}, message: x}}
"""
            )
        )
    ).until_end()
    assert run.state is State.FAILED
    assert run.started == ["boom", "local_error"]
    assert run.runs("seq")[0].state.current is State.FAILED


def test_allow_failure_block_turns_failure_into_warning() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: tolerant
    type: io.kestra.plugin.core.flow.AllowFailure
    tasks:
      - {{id: boom, type: {FAIL}}}
      - {{id: skipped_by_failure, type: {LOG}, message: x}}
  - {{id: after, type: {LOG}, message: x}}
"""
            )
        )
    ).until_end()
    assert run.state is State.WARNING
    assert run.started == ["boom", "after"]


def test_kill_stops_everything() -> None:
    run = Run(load(flow(f"  - {{id: a, type: {LOG}, message: x}}"))).start()
    run.send(Kill())
    assert run.state is State.KILLED
    assert run.runs("a")[0].state.current is State.KILLED


def test_a_late_result_for_an_ended_run_is_ignored() -> None:
    run = Run(load(flow(f"  - {{id: a, type: {LOG}, message: x}}"))).start()
    command = run.queue.pop()
    run.send(TaskResult(command.run.id, State.SUCCESS))
    run.send(TaskResult(command.run.id, State.FAILED))
    assert run.state is State.SUCCESS


def test_a_failed_attempt_is_retried_after_the_policy_delay() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: flaky
    type: {FAIL}
    retry: {{type: exponential, interval: PT1S, maxInterval: PT5S, maxAttempt: 3}}
"""
            )
        )
    ).start()
    timers = []
    for _ in range(3):
        command = run.queue.pop()
        step_before = len(run.timers)
        run.send(TaskResult(command.run.id, State.FAILED))
        timers.extend(run.timers[step_before:])
        if run.timers[step_before:]:
            run.send(run.timers[-1].event)
    (task_run,) = run.runs("flaky")
    assert len(task_run.attempts) == 3
    assert [a.state.current for a in task_run.attempts] == [State.FAILED] * 3
    assert [t.at - t_prev for t, t_prev in zip(timers, run.timer_sent_at, strict=True)] == [
        timedelta(seconds=1),
        timedelta(seconds=2),
    ]
    assert run.state is State.FAILED


def test_success_after_a_retry_is_a_warning_with_warning_on_retry() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: flaky
    type: {LOG}
    message: x
    retry: {{type: constant, interval: PT1S, maxAttempt: 2, warningOnRetry: true}}
"""
            )
        )
    ).start()
    first = run.queue.pop()
    run.send(TaskResult(first.run.id, State.FAILED))
    run.send(run.timers[-1].event)
    second = run.queue.pop()
    assert second.run.id == first.run.id
    run.send(TaskResult(second.run.id, State.SUCCESS))
    assert run.state is State.WARNING
    assert len(run.runs("flaky")[0].attempts) == 2


def test_flow_outputs_are_rendered_at_the_end() -> None:
    run = Run(
        load(
            flow(
                f"  - {{id: a, type: {RETURN}, format: hello}}",
                extra="outputs:\n  - {id: greeting, type: STRING, value: '{{ outputs.a.value }}!'}",
            )
        )
    ).until_end()
    assert run.view.execution.outputs == {"greeting": "hello!"}


PAUSE = "io.kestra.plugin.core.flow.Pause"


def test_pause_waits_for_a_resume_and_passes_its_inputs_on() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: wait, type: {PAUSE}, onResume: [{{id: ok, type: BOOLEAN}}]}}
  - {{id: after, type: {RETURN}, format: "{{{{ outputs.wait.onResume.ok }}}}"}}
"""
            )
        )
    ).start()
    assert run.state is State.PAUSED
    assert run.runs("wait")[0].state.current is State.PAUSED
    run.send(Resume({"ok": True}))
    run.drain()
    assert run.state is State.SUCCESS
    assert run.view.outputs["after"] == {"value": "true"}


def test_pause_with_a_duration_resumes_itself() -> None:
    run = Run(load(flow(f"  - {{id: wait, type: {PAUSE}, pauseDuration: PT5M}}"))).start()
    assert run.state is State.PAUSED
    (timer,) = run.timers
    assert timer.at - run.timer_sent_at[0] == timedelta(minutes=5)
    run.send(timer.event)
    assert run.state is State.SUCCESS
    assert [s.state for s in run.runs("wait")[0].state.histories] == [
        State.CREATED,
        State.RUNNING,
        State.PAUSED,
        State.RUNNING,
        State.SUCCESS,
    ]


def test_wait_for_loops_until_the_condition_holds() -> None:
    run = Run(
        load(
            flow(
                """
  - id: waitfor
    type: io.kestra.plugin.core.flow.WaitFor
    condition: "{{ outputs.output_values.values.count == '4' }}"
    tasks:
      - id: output_values
        type: io.kestra.plugin.core.output.OutputValues
        values:
          count: "{{ outputs.waitfor.iterationCount + 1 }}"
"""
            )
        )
    ).start()
    while run.queue or (run.timers and not run.ended):
        if run.queue:
            command = run.queue.pop(0)
            values = run.view.outputs["waitfor"]["iterationCount"] + 1
            run.send(TaskResult(command.run.id, State.SUCCESS, {"values": {"count": str(values)}}))
        else:
            timer = run.timers.pop(0)
            assert timer.at - run.timer_sent_at.pop(0) == timedelta(seconds=1)  # WaitFor's
            run.send(timer.event)
    assert run.state is State.SUCCESS
    assert [r.iteration for r in run.runs("output_values")] == [1, 2, 3]
    assert run.runs("waitfor")[0].outputs == {"iterationCount": 3}


def test_loop_until_fails_on_max_reached_when_asked() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: loop
    type: io.kestra.plugin.core.flow.LoopUntil
    condition: "{{{{ false }}}}"
    failOnMaxReached: true
    checkFrequency: {{maxIterations: 2, interval: PT0.2S}}
    tasks:
      - {{id: step, type: {LOG}, message: x}}
"""
            )
        )
    ).start()
    while run.queue or (run.timers and not run.ended):
        if run.queue:
            run.send(TaskResult(run.queue.pop(0).run.id, State.SUCCESS))
        else:
            run.send(run.timers.pop(0).event)
    assert run.state is State.FAILED
    assert len(run.runs("step")) == 2


def test_executor_side_tasks_change_labels_and_variables_and_exit() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: tag
    type: io.kestra.plugin.core.execution.Labels
    labels: {{team: "{{{{ 'da' ~ 'ta' }}}}", tier: 1}}
  - id: set
    type: io.kestra.plugin.core.execution.SetVariables
    variables: {{region: eu, nested: {{a: 1}}}}
  - id: unset
    type: io.kestra.plugin.core.execution.UnsetVariables
    variables: [nested.a]
  - {{id: show, type: {RETURN}, format: "{{{{ vars.region }}}}-{{{{ vars.base }}}}"}}
  - {{id: stop, type: io.kestra.plugin.core.execution.Exit, state: WARNING}}
  - {{id: never, type: {LOG}, message: x}}
""",
                extra="variables: {base: b}",
            )
        )
    ).until_end()
    assert run.state is State.WARNING
    labels = {label.key: label.value for label in run.view.execution.labels}
    assert labels == {"team": "data", "tier": "1"}
    assert run.view.execution.variables == {"base": "b", "region": "eu", "nested": {}}
    assert run.view.outputs["show"] == {"value": "eu-b"}
    assert not run.runs("never")


def test_after_execution_runs_once_the_state_is_final_and_changes_nothing() -> None:
    run = Run(
        load(
            flow(
                f"  - {{id: boom, type: {FAIL}}}",
                extra=f"""afterExecution:
  - {{id: notify, type: {RETURN}, format: "{{{{ execution.state }}}}"}}
  - {{id: broken, type: {FAIL}}}
  - {{id: last, type: {LOG}, message: x}}""",
            )
        )
    ).until_end()
    assert run.state is State.FAILED
    assert run.started == ["boom", "notify", "broken", "last"]
    assert run.view.outputs["notify"] == {"value": "FAILED"}


def test_a_flow_level_retry_retries_failed_tasks() -> None:
    run = Run(
        load(
            flow(
                f"  - {{id: boom, type: {FAIL}}}",
                extra="retry: {type: constant, interval: PT1S, maxAttempt: 4}",
            )
        )
    ).start()
    while run.queue or (run.timers and not run.ended):
        if run.queue:
            run.send(TaskResult(run.queue.pop(0).run.id, State.FAILED))
        else:
            run.send(run.timers.pop(0).event)
    assert run.state is State.FAILED
    assert len(run.runs("boom")[0].attempts) == 4


def test_tasks_states_are_addressable_like_outputs() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: maybe, type: {LOG}, message: x, runIf: "false"}}
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: [a, b]
    tasks:
      - {{id: inner, type: {LOG}, message: x}}
  - id: report
    type: {RETURN}
    format: "{{{{ tasks.maybe.state }}}} {{{{ tasks.inner.b.state }}}}"
"""
            )
        )
    ).until_end()
    assert run.view.outputs["report"] == {"value": "SKIPPED SUCCESS"}


def test_listeners_run_after_the_end_when_their_conditions_hold() -> None:
    run = Run(
        load(
            flow(
                f"  - {{id: boom, type: {FAIL}}}",
                extra=f"""listeners:
  - conditions:
      - {{type: io.kestra.plugin.core.condition.ExecutionStatus, in: [FAILED]}}
    tasks:
      - {{id: on_failure, type: {LOG}, message: x}}
  - conditions:
      - {{type: io.kestra.plugin.core.condition.ExecutionStatus, in: [SUCCESS]}}
    tasks:
      - {{id: on_success, type: {LOG}, message: x}}""",
            )
        )
    ).until_end()
    assert run.state is State.FAILED
    assert run.started == ["boom", "on_failure"]


def test_recover_gives_running_task_runs_a_new_attempt() -> None:
    run = Run(
        load(
            flow(
                f"""
  - {{id: a, type: {RETURN}, format: one}}
  - {{id: b, type: {LOG}, message: x}}
"""
            )
        )
    ).start()
    first = run.queue.pop()
    run.send(TaskResult(first.run.id, State.SUCCESS, {"value": "one"}))
    lost = run.queue.pop()  # the worker running b dies with its process
    run.send(Recover())
    again = run.queue.pop()
    assert again.run.id == lost.run.id
    assert [a.state.current for a in again.run.attempts] == [State.KILLED, State.RUNNING]
    run.send(TaskResult(again.run.id, State.SUCCESS))
    assert run.state is State.SUCCESS
    assert len(run.runs("a")[0].attempts) == 1


def test_recover_dispatches_a_run_that_never_began_without_a_killed_attempt() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - {{id: a, type: {RETURN}, format: one}}
      - {{id: b, type: {RETURN}, format: two}}
"""
            )
        )
    ).start()
    began, waiting = run.queue.pop(0), run.queue.pop(0)
    # The process died: ``a`` had begun on a worker, ``b`` waited for a thread.
    run.send(Recover(started=frozenset({began.run.id})))
    again = {job.run.id: job for job in run.queue}
    assert [a.state.current for a in again[began.run.id].run.attempts] == [
        State.KILLED,
        State.RUNNING,
    ]
    assert [a.state.current for a in again[waiting.run.id].run.attempts] == [State.RUNNING]


def test_kill_with_who_logs_it_on_the_execution_and_each_live_task_run() -> None:
    run = Run(
        load(
            flow(f"""
  - {{id: a, type: {RETURN}, format: one}}
""")
        )
    ).start()
    job = run.queue.pop()
    step = advance(
        run.view, Kill(by="user 'ann' through the API"), next(run.clock), lambda: next(run.ids)
    )
    killed = "killed by user 'ann' through the API"
    assert StepLog(None, LogLevel.WARN, f"Execution {killed}") in step.logs
    assert StepLog(job.run.id, LogLevel.WARN, f"Task run {killed}") in step.logs
    assert run.state is State.KILLED


def test_recover_of_lost_runs_retries_only_those() -> None:
    run = Run(
        load(
            flow(
                f"""
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - {{id: a, type: {RETURN}, format: one}}
      - {{id: b, type: {RETURN}, format: two}}
"""
            )
        )
    ).start()
    first, second = run.queue.pop(0), run.queue.pop(0)
    run.send(Recover(lost=frozenset({first.run.id}), waits=False))  # its worker died
    again = run.queue.pop()
    assert again.run.id == first.run.id
    assert [a.state.current for a in again.run.attempts] == [State.KILLED, State.RUNNING]
    assert run.queue == []  # the second one is still with its worker: not dispatched again
    run.send(TaskResult(second.run.id, State.SUCCESS, {"value": "two"}))
    run.send(TaskResult(again.run.id, State.SUCCESS, {"value": "one"}))
    assert run.state is State.SUCCESS
    assert len(run.runs("b")[0].attempts) == 1
