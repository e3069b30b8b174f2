"""The scheduler fires schedules, dated schedules, backfills, polling and realtime triggers, with
the time passed in (only the realtime test waits, on an event)."""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tiercel.model import Flow, load_flows
from tiercel.model.execution import Execution, ExecutionTrigger, RunState
from tiercel.model.state import State
from tiercel.ops import triggers as ops
from tiercel.ops.flows import deploy_triggers
from tiercel.registry import Registry
from tiercel.runtime.scheduler import Scheduler, StartRequest
from tiercel.runtime.services import Services
from tiercel.runtime.trigger_context import SchedulerTriggerContext
from tiercel.sdk import (
    Condition,
    ConditionContext,
    Emission,
    LogLevel,
    PollingTrigger,
    RealtimeTrigger,
    RecoverMissedSchedules,
    Trigger,
    TriggerContext,
    plugin,
)
from tiercel.storage.records import LogQuery
from tiercel.wiring import local_services

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)


@plugin("test.scheduler.Counter")
class Counter(PollingTrigger):
    """Emits one execution per evaluation, counting them in its state."""

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        count = int(ctx.state.get("count", 0)) + 1
        ctx.state["count"] = count
        return [Emission({"count": count, "at": ctx.now().isoformat()}, {"n": str(count)})]


@plugin("test.scheduler.Burst")
class Burst(RealtimeTrigger):
    """Emits two executions from its own thread, then waits to be stopped."""

    def listen(
        self, ctx: TriggerContext, emit: Callable[[Emission], None], stop: threading.Event
    ) -> None:
        for index in (1, 2):
            ctx.state["sent"] = index
            emit(Emission({"index": index}))
        stop.wait()


@plugin("test.scheduler.Steps")
class Steps(Trigger):
    """A third party's scheduled trigger: no core class, only the ``ScheduledTrigger``
    protocol (a ``calendar``): every ``minutes`` from midnight UTC."""

    minutes: int
    label: str = "{{ flow.id }}"
    inputs: dict[str, Any] | None = None
    recover_missed_schedules: RecoverMissedSchedules | None = None

    def calendar(self, ctx: TriggerContext) -> "_Steps":
        return _Steps(timedelta(minutes=self.minutes), str(ctx.render(self.label)))


@dataclass(frozen=True)
class _Steps:
    step: timedelta
    label: str
    late_maximum_delay: timedelta | None = None

    def next_after(self, moment: datetime) -> datetime:
        return self._start(moment) + ((moment - self._start(moment)) // self.step + 1) * self.step

    def previous_before(self, moment: datetime) -> datetime:
        start = self._start(moment)
        index = -(-(moment - start) // self.step) - 1  # the last step strictly before
        return start + index * self.step

    def variables(self, date: datetime) -> dict[str, Any]:
        return {"date": date.isoformat(), "label": self.label}

    def start_date(self, date: datetime) -> datetime:
        return date

    @staticmethod
    def _start(moment: datetime) -> datetime:
        return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@plugin("test.scheduler.EvenHour")
class EvenHour(Condition):
    """Holds for schedule dates at an even hour."""

    def test(self, context: ConditionContext) -> bool:
        date = context.render("{{ trigger.date }}")
        return datetime.fromisoformat(str(date)).hour % 2 == 0


@plugin("test.scheduler.Unsupported")
class Unsupported(Condition):
    """A condition without a ``test``."""


@pytest.fixture(scope="module")
def test_registry() -> Registry:
    registry = Registry()
    registry.load_entry_points()
    registry.register_all([Counter, Burst, EvenHour, Unsupported, Steps])
    return registry


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    with local_services(tmp_path) as made:
        yield made


class Harness:
    """A scheduler whose ``start`` records requests and hands out ids."""

    def __init__(self, services: Services, flows: list[Flow]) -> None:
        self.services = services
        self.flows = flows
        self.requests: list[StartRequest] = []
        self.scheduler = self.restart()

    def restart(self) -> Scheduler:
        """A new scheduler on the same stores, as after a restart of the server."""
        self.scheduler = Scheduler(self.services, lambda: self.flows, self.start)
        return self.scheduler

    def start(self, request: StartRequest) -> str:
        self.requests.append(request)
        return f"exec-{len(self.requests)}"

    def end(self, execution_id: str, state: State = State.SUCCESS) -> None:
        request = self.requests[int(execution_id.split("-")[1]) - 1]
        execution = Execution(
            id=execution_id,
            namespace=request.flow.namespace,
            flowId=request.flow.id,
            state=RunState.start(state, T0),
            trigger=request.trigger,
        )
        self.scheduler.execution_ended(execution)

    def run(self, moments: list[datetime], state: State = State.SUCCESS) -> list[str]:
        """Tick at each moment, each started execution ending at once."""
        started: list[str] = []
        for moment in moments:
            for execution_id in self.scheduler.tick(moment):
                started.append(execution_id)
                self.end(execution_id, state)
        return started

    def drain(self, moment: datetime) -> list[str]:
        """Tick at one moment until nothing more starts (missed dates fire one by one)."""
        started: list[str] = []
        while ids := self.run([moment]):
            started.extend(ids)
        return started

    def dates(self) -> list[str]:
        return [str((r.trigger.variables or {})["date"]) for r in self.requests]


def flow_of(registry: Registry, triggers: str, extra: str = "") -> Flow:
    text = (
        dedent(
            """
        id: scheduled
        namespace: company.team
        tasks:
          - {id: hello, type: io.kestra.plugin.core.log.Log, message: hi}
        """
        )
        + dedent(extra)
        + "triggers:\n"
        + dedent(triggers)
    )
    result = load_flows(text.encode(), "flow.yaml", registry)
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    return flow


def every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    moments = []
    while start <= end:
        moments.append(start)
        start += step
    return moments


def schedule(registry: Registry, cron: str, more: str = "") -> Flow:
    """A flow with one Schedule trigger; ``more`` adds properties, indented by two."""
    head = f'- id: schedule\n  type: io.kestra.plugin.core.trigger.Schedule\n  cron: "{cron}"\n'
    return flow_of(registry, head + more)


def test_quarter_hours_over_an_hour(services: Services, test_registry: Registry) -> None:
    harness = Harness(services, [schedule(test_registry, "*/15 * * * *")])
    assert harness.run([T0 - timedelta(seconds=30)]) == []  # a new schedule starts from now
    started = harness.run(every(T0, T0 + timedelta(minutes=59), timedelta(minutes=1)))
    assert len(started) == 4
    assert harness.dates() == [
        "2024-01-01T10:00:00Z",
        "2024-01-01T10:15:00Z",
        "2024-01-01T10:30:00Z",
        "2024-01-01T10:45:00Z",
    ]
    first = harness.requests[0]
    assert first.trigger.id == "schedule"
    assert first.trigger.type == "io.kestra.plugin.core.trigger.Schedule"
    assert first.trigger.variables == {
        "date": "2024-01-01T10:00:00Z",
        "next": "2024-01-01T10:15:00Z",
        "previous": "2024-01-01T09:45:00Z",
    }
    assert first.schedule_date is None
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None
    assert record.date == T0 + timedelta(minutes=45)
    assert record.next_execution_date == T0 + timedelta(hours=1)
    assert record.execution_id is None


def test_an_execution_locks_its_schedule_until_it_ends(
    services: Services, test_registry: Registry
) -> None:
    harness = Harness(services, [schedule(test_registry, "*/15 * * * *")])
    harness.scheduler.tick(T0 - timedelta(seconds=1))
    assert harness.scheduler.tick(T0) == ["exec-1"]
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and record.execution_id == "exec-1"
    assert harness.scheduler.tick(T0 + timedelta(minutes=31)) == []
    assert harness.scheduler.next_wake() is None
    harness.end("exec-1")
    # The dates missed while it ran fire one after the other.
    assert harness.drain(T0 + timedelta(minutes=31)) == ["exec-2", "exec-3"]
    assert harness.dates()[1:] == ["2024-01-01T10:15:00Z", "2024-01-01T10:30:00Z"]
    assert harness.scheduler.next_wake() == T0 + timedelta(minutes=45)


def test_an_execution_ended_elsewhere_before_the_lock_does_not_lock(
    services: Services, test_registry: Registry
) -> None:
    # An executor in another process can end the execution before this scheduler stores the
    # lock, and its end is told to that process's listeners, not to this scheduler.
    harness = Harness(services, [schedule(test_registry, "*/15 * * * *")])

    def start_and_end_elsewhere(request: StartRequest) -> str:
        execution_id = Harness.start(harness, request)
        ended = Execution(
            id=execution_id,
            namespace=request.flow.namespace,
            flowId=request.flow.id,
            state=RunState.start(State.SUCCESS, T0),
            trigger=request.trigger,
        )
        services.executions.save(ended, ())
        return execution_id

    harness.start = start_and_end_elsewhere  # type: ignore[method-assign]
    harness.restart()
    harness.scheduler.tick(T0 - timedelta(seconds=1))
    assert harness.scheduler.tick(T0) == ["exec-1"]
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and record.execution_id is None
    assert harness.scheduler.tick(T0 + timedelta(minutes=15)) == ["exec-2"]


def test_with_seconds(services: Services, test_registry: Registry) -> None:
    harness = Harness(
        services, [schedule(test_registry, "*/20 * * * * *", "  withSeconds: true\n")]
    )
    harness.run([T0 - timedelta(seconds=1)])
    started = harness.run(every(T0, T0 + timedelta(seconds=59), timedelta(seconds=1)))
    assert len(started) == 3
    assert harness.dates() == [
        "2024-01-01T10:00:00Z",
        "2024-01-01T10:00:20Z",
        "2024-01-01T10:00:40Z",
    ]


def test_nickname(services: Services, test_registry: Registry) -> None:
    harness = Harness(services, [schedule(test_registry, "@hourly")])
    harness.run([T0 - timedelta(minutes=1)])
    harness.run(every(T0, T0 + timedelta(hours=3), timedelta(minutes=5)))
    assert harness.dates() == [f"2024-01-01T{hour}:00:00Z" for hour in (10, 11, 12, 13)]


def test_timezone_across_daylight_saving_transitions(
    services: Services, test_registry: Registry
) -> None:
    flow = schedule(test_registry, "30 2 * * *", "  timezone: Europe/Paris\n")
    harness = Harness(services, [flow])
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2024, 3, 30, 12, tzinfo=paris)
    harness.run([start])
    harness.run(every(start, start + timedelta(days=2), timedelta(minutes=10)))
    # 02:30 does not exist on 31 March: it fires when the clocks have jumped, at 03:30.
    assert harness.dates() == ["2024-03-31T03:30:00+02:00", "2024-04-01T02:30:00+02:00"]
    assert harness.requests[0].trigger.variables == {
        "date": "2024-03-31T03:30:00+02:00",
        "next": "2024-04-01T02:30:00+02:00",
        "previous": "2024-03-30T02:30:00+01:00",
    }

    autumn = Harness(
        services, [schedule(test_registry, "30 2 * * *", "  timezone: Europe/Paris\n")]
    )
    services.triggers.delete("company.team", "scheduled")
    start = datetime(2024, 10, 26, 12, tzinfo=paris)
    autumn.run([start])
    autumn.run(every(start, start + timedelta(days=2), timedelta(minutes=10)))
    # 02:30 happens twice on 27 October: a daily schedule fires once.
    assert autumn.dates() == ["2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"]


@pytest.mark.parametrize(
    ("policy", "dates"),
    [
        (
            "ALL",
            [
                f"2024-01-01T{h:02d}:{m:02d}:00Z"
                for h, m in [
                    (10, 15),
                    (10, 30),
                    (10, 45),
                    (11, 0),
                    (11, 15),
                    (11, 30),
                    (11, 45),
                    (12, 0),
                ]
            ],
        ),
        ("LAST", ["2024-01-01T12:00:00Z"]),
        ("NONE", []),
    ],
)
def test_recover_missed_schedules_after_downtime(
    services: Services, test_registry: Registry, policy: str, dates: list[str]
) -> None:
    flow = schedule(test_registry, "*/15 * * * *", f"  recoverMissedSchedules: {policy}\n")
    harness = Harness(services, [flow])
    harness.run([T0])  # next date: 10:15
    harness.restart()
    back = T0 + timedelta(hours=2, minutes=5)
    harness.drain(back)
    assert harness.dates() == dates
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and record.next_execution_date == T0 + timedelta(hours=2, minutes=15)


def test_all_is_the_default_recovery(services: Services, test_registry: Registry) -> None:
    harness = Harness(services, [schedule(test_registry, "0 * * * *")])
    harness.run([T0 - timedelta(minutes=1)])
    harness.restart()
    harness.drain(T0 + timedelta(hours=2, minutes=30))
    assert harness.dates() == [f"2024-01-01T{h}:00:00Z" for h in (10, 11, 12)]


def test_late_maximum_delay_skips_dates_too_late(
    services: Services, test_registry: Registry
) -> None:
    flow = schedule(test_registry, "*/15 * * * *", "  lateMaximumDelay: PT10M\n")
    harness = Harness(services, [flow])
    harness.run([T0])
    harness.restart()
    harness.drain(T0 + timedelta(hours=2, minutes=5))
    assert harness.dates() == ["2024-01-01T12:00:00Z"]
    # Ten minutes later, 12:15 is late by two minutes only: it still fires.
    harness.drain(T0 + timedelta(hours=2, minutes=17))
    assert harness.dates()[1:] == ["2024-01-01T12:15:00Z"]


def test_a_disabled_trigger_does_not_fire_and_restarts_from_now(
    services: Services, test_registry: Registry
) -> None:
    harness = Harness(services, [schedule(test_registry, "*/15 * * * *")])
    harness.run([T0 - timedelta(seconds=1)])
    ops.set_disabled(services.triggers, "company.team", "scheduled", "schedule", True, now=T0)
    assert harness.run(every(T0, T0 + timedelta(hours=1), timedelta(minutes=5))) == []
    assert harness.scheduler.next_wake() is None
    ops.set_disabled(
        services.triggers,
        "company.team",
        "scheduled",
        "schedule",
        False,
        now=T0 + timedelta(hours=1),
    )
    later = T0 + timedelta(hours=1, minutes=1)
    harness.run(every(later, later + timedelta(minutes=20), timedelta(minutes=1)))
    assert harness.dates() == ["2024-01-01T11:15:00Z"]


def test_a_trigger_the_flow_disables_does_not_fire(
    services: Services, test_registry: Registry
) -> None:
    harness = Harness(services, [schedule(test_registry, "* * * * *", "  disabled: true\n")])
    assert harness.run(every(T0, T0 + timedelta(minutes=5), timedelta(minutes=1))) == []


def test_stop_after_disables_the_trigger(services: Services, test_registry: Registry) -> None:
    flow = schedule(test_registry, "*/15 * * * *", "  stopAfter: [FAILED]\n")
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(seconds=1)])
    assert harness.run([T0]) == ["exec-1"]  # ended in SUCCESS: goes on
    assert harness.run([T0 + timedelta(minutes=15)], State.FAILED) == ["exec-2"]
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and record.disabled and record.execution_id is None
    assert harness.run([T0 + timedelta(minutes=30)]) == []


def test_a_webhook_end_disables_its_trigger_only_under_stop_after(
    services: Services, test_registry: Registry
) -> None:
    hook = "- id: hook\n  type: io.kestra.plugin.core.trigger.Webhook\n  key: k\n"
    for more, disabled in (("", False), ("  stopAfter: [FAILED]\n", True)):
        flow = flow_of(test_registry, hook + more)
        deploy_triggers(services.triggers, flow, T0)
        scheduler = Scheduler(services, lambda f=flow: [f], lambda _: None)
        trigger = ExecutionTrigger(id="hook", type=flow.triggers[0].type)
        ended = Execution(
            id=f"hooked-{disabled}",
            namespace=flow.namespace,
            flowId=flow.id,
            state=RunState.start(State.FAILED, T0),
            trigger=trigger,
        )
        scheduler.execution_ended(ended)
        record = services.triggers.get("company.team", "scheduled", "hook")
        assert record is not None and record.disabled is disabled


def test_inputs_and_labels_are_rendered(services: Services, test_registry: Registry) -> None:
    flow = flow_of(
        test_registry,
        """
        - id: schedule
          type: io.kestra.plugin.core.trigger.Schedule
          cron: "0 * * * *"
          inputs:
            day: "{{ trigger.date | date('yyyy-MM-dd') }}"
            flowName: "{{ flow.id }}"
          labels:
            team: "{{ flow.namespace }}"
        """,
        """
        inputs:
          - {id: day, type: STRING}
          - {id: flowName, type: STRING}
        """,
    )
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(minutes=1), T0])
    (request,) = harness.requests
    assert request.inputs == {"day": "2024-01-01", "flowName": "scheduled"}
    assert [(label.key, label.value) for label in request.labels] == [("team", "company.team")]


def test_conditions_filter_dates(services: Services, test_registry: Registry) -> None:
    flow = schedule(
        test_registry, "0 * * * *", "  conditions:\n    - type: test.scheduler.EvenHour\n"
    )
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(minutes=1)])
    harness.run(every(T0, T0 + timedelta(hours=3), timedelta(minutes=10)))
    assert harness.dates() == ["2024-01-01T10:00:00Z", "2024-01-01T12:00:00Z"]
    # With conditions, next and previous are the neighbouring dates they accept.
    assert harness.requests[0].trigger.variables == {
        "date": "2024-01-01T10:00:00Z",
        "next": "2024-01-01T12:00:00Z",
        "previous": "2024-01-01T08:00:00Z",
    }


def test_an_unsupported_condition_skips_the_date(
    services: Services, test_registry: Registry
) -> None:
    flow = schedule(
        test_registry, "0 * * * *", "  conditions:\n    - type: test.scheduler.Unsupported\n"
    )
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(minutes=1), T0, T0 + timedelta(hours=1)])
    assert harness.requests == []
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and record.next_execution_date == T0 + timedelta(hours=2)
    logs = services.logs.find(LogQuery())
    assert any("not supported" in line.message and line.trigger_id == "schedule" for line in logs)


def test_schedule_on_dates(services: Services, test_registry: Registry) -> None:
    flow = flow_of(
        test_registry,
        """
        - id: dates
          type: io.kestra.plugin.core.trigger.ScheduleOnDates
          timezone: Europe/Paris
          inputs: {when: "{{ trigger.date }}"}
          dates:
            - 2024-01-01T10:30:00Z
            - 2024-01-01T09:00:00Z
            - 2024-01-01T12:00:00+01:00
        """,
    )
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(minutes=1)])
    harness.run(every(T0, T0 + timedelta(hours=3), timedelta(minutes=5)))
    # 09:00 came before the trigger existed; 12:00+01:00 is 11:00 UTC.
    assert harness.dates() == ["2024-01-01T11:30:00+01:00", "2024-01-01T12:00:00+01:00"]
    assert harness.requests[0].schedule_date == T0 + timedelta(minutes=30)
    assert harness.requests[0].inputs == {"when": "2024-01-01T11:30:00+01:00"}
    assert harness.requests[0].trigger.variables == {"date": "2024-01-01T11:30:00+01:00"}


def test_backfill_over_a_past_window(services: Services, test_registry: Registry) -> None:
    flow = schedule(test_registry, "*/15 * * * *", "  inputs: {source: schedule}\n")
    harness = Harness(services, [flow])
    harness.run([T0 - timedelta(seconds=1)])  # next date: 10:00
    ops.backfill(
        services.triggers,
        "company.team",
        "scheduled",
        "schedule",
        start=T0 - timedelta(hours=2, minutes=5),
        end=T0 - timedelta(hours=1),
        inputs={"reason": "{{ flow.id }} outage"},
        labels={"backfill": "outage"},
        now=T0 - timedelta(seconds=1),
    )
    harness.drain(T0 - timedelta(seconds=1))
    assert harness.dates() == [
        "2024-01-01T08:00:00Z",
        "2024-01-01T08:15:00Z",
        "2024-01-01T08:30:00Z",
        "2024-01-01T08:45:00Z",
        "2024-01-01T09:00:00Z",
    ]
    first = harness.requests[0]
    assert first.inputs == {"source": "schedule", "reason": "scheduled outage"}
    assert [(label.key, label.value) for label in first.labels] == [("backfill", "outage")]
    record = services.triggers.get("company.team", "scheduled", "schedule")
    assert record is not None and "backfill" not in record.state
    # Then the schedule goes on where it was.
    harness.run([T0])
    assert harness.dates()[-1] == "2024-01-01T10:00:00Z"
    assert len(harness.requests[-1].labels) == 0


def test_a_paused_backfill_waits(services: Services, test_registry: Registry) -> None:
    harness = Harness(services, [schedule(test_registry, "0 * * * *")])
    harness.run([T0 - timedelta(seconds=1)])
    store = services.triggers
    ops.backfill(
        store, "company.team", "scheduled", "schedule", start=T0 - timedelta(hours=3), now=T0
    )
    ops.pause_backfill(store, "company.team", "scheduled", "schedule", now=T0)
    assert harness.drain(T0 - timedelta(seconds=1)) == []
    ops.pause_backfill(store, "company.team", "scheduled", "schedule", False, now=T0)
    harness.run([T0 - timedelta(seconds=1)])
    assert harness.dates() == ["2024-01-01T07:00:00Z"]
    ops.delete_backfill(store, "company.team", "scheduled", "schedule", now=T0)
    harness.drain(T0)
    assert harness.dates()[1:] == ["2024-01-01T10:00:00Z"]


def test_polling_trigger_at_its_interval_keeps_its_state(
    services: Services, test_registry: Registry
) -> None:
    flow = flow_of(
        test_registry,
        """
        - id: poll
          type: test.scheduler.Counter
          interval: PT5M
          labels: {source: poll}
        """,
    )
    harness = Harness(services, [flow])
    harness.run(every(T0, T0 + timedelta(minutes=12), timedelta(minutes=1)))
    assert [r.trigger.variables for r in harness.requests] == [
        {"count": 1, "at": "2024-01-01T10:00:00+00:00"},
        {"count": 2, "at": "2024-01-01T10:05:00+00:00"},
        {"count": 3, "at": "2024-01-01T10:10:00+00:00"},
    ]
    assert [(label.key, label.value) for label in harness.requests[0].labels] == [
        ("source", "poll"),
        ("n", "1"),
    ]
    assert harness.requests[0].trigger.type == "test.scheduler.Counter"
    harness.restart()
    harness.run([T0 + timedelta(minutes=15)])
    assert harness.requests[-1].trigger.variables == {
        "count": 4,
        "at": "2024-01-01T10:15:00+00:00",
    }


def test_realtime_trigger_emits_from_its_thread(
    services: Services, test_registry: Registry
) -> None:
    flow = flow_of(test_registry, "- {id: listen, type: test.scheduler.Burst}\n")
    received: list[StartRequest] = []
    both = threading.Event()

    def start(request: StartRequest) -> str:
        received.append(request)
        if len(received) == 2:
            both.set()
        return f"rt-{len(received)}"

    scheduler = Scheduler(services, lambda: [flow], start)
    stop = threading.Event()
    server = threading.Thread(target=scheduler.serve, args=(stop,))
    server.start()
    try:
        assert both.wait(10)
    finally:
        stop.set()
        server.join(10)
    assert not server.is_alive()
    assert [r.trigger.variables for r in received] == [{"index": 1}, {"index": 2}]
    record = services.triggers.get("company.team", "scheduled", "listen")
    assert record is not None and record.state == {"sent": 2}


def test_trigger_context_files_paths_and_logs(
    services: Services, test_registry: Registry, tmp_path: Path
) -> None:
    flow = flow_of(test_registry, "- {id: poll, type: test.scheduler.Counter}\n")
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "in.txt").write_text("x")
    outside = tmp_path / "outside.txt"
    outside.write_text("y")
    (allowed / "link.txt").symlink_to(outside)
    ctx = SchedulerTriggerContext(services, flow, flow.triggers[0], [str(allowed)])  # type: ignore[index]
    assert ctx.allowed_path(str(allowed / "in.txt"))
    assert not ctx.allowed_path(str(allowed / ".." / "outside.txt"))
    assert not ctx.allowed_path(str(allowed / "link.txt"))
    uri = ctx.put_file("data.csv", b"a,b")
    assert uri.startswith("kestra:///company/team/scheduled/") and uri.endswith("/data.csv")
    assert services.storage.read_bytes(uri) == b"a,b"
    ctx.log(LogLevel.WARN, "careful")
    (line,) = services.logs.find(LogQuery())
    assert (line.namespace, line.flow_id, line.trigger_id, line.message) == (
        "company.team",
        "scheduled",
        "poll",
        "careful",
    )
    assert ctx.render("{{ flow.namespace }}") == "company.team"


def steps(registry: Registry, more: str) -> Flow:
    """A flow with one Steps trigger of 20 minutes; ``more`` adds properties, indented by two."""
    return flow_of(registry, "- id: steps\n  type: test.scheduler.Steps\n  minutes: 20\n" + more)


def test_a_scheduled_trigger_found_by_its_protocol(
    services: Services, test_registry: Registry
) -> None:
    flow = steps(test_registry, '  inputs: {when: "{{ trigger.date }}"}\n')
    harness = Harness(services, [flow])
    assert harness.run([T0 - timedelta(seconds=30)]) == []
    harness.run(every(T0, T0 + timedelta(minutes=59), timedelta(minutes=1)))
    assert harness.dates() == [
        "2024-01-01T10:00:00+00:00",
        "2024-01-01T10:20:00+00:00",
        "2024-01-01T10:40:00+00:00",
    ]
    first = harness.requests[0]
    assert first.trigger.type == "test.scheduler.Steps"
    assert first.trigger.variables == {"date": "2024-01-01T10:00:00+00:00", "label": "scheduled"}
    assert first.inputs == {"when": "2024-01-01T10:00:00+00:00"}
    assert first.schedule_date == T0


def test_a_protocol_trigger_recovers_only_its_last_missed_date(
    services: Services, test_registry: Registry
) -> None:
    harness = Harness(services, [steps(test_registry, "  recoverMissedSchedules: LAST\n")])
    harness.run([T0])  # next date: 10:20
    harness.restart()
    harness.drain(T0 + timedelta(hours=2, minutes=5))
    # Missed: 10:20 to 12:00; only 12:00 fires, then the calendar goes on.
    assert harness.dates() == ["2024-01-01T12:00:00+00:00"]
    record = services.triggers.get("company.team", "scheduled", "steps")
    assert record is not None and record.next_execution_date == T0 + timedelta(hours=2, minutes=20)
