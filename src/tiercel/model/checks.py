"""Flow-wide rules that no single field's type can express."""

from collections import Counter
from collections.abc import Iterable, Iterator

from tiercel.model.errors import Path, Violation
from tiercel.model.flow import Flow
from tiercel.model.task import Task, Trigger

_ENTERPRISE_WORKER_GROUP = "Worker Group is an Enterprise Edition functionality"


def check_flow(flow: Flow) -> list[Violation]:
    """Return every rule the flow breaks: duplicate ids, self-calls, Enterprise-only
    properties, and each task's and trigger's own rules."""
    found: list[Violation] = []
    tasks = list(flow.all_tasks())
    found.extend(_duplicates("task id", ((path, task.id) for path, task in tasks)))
    triggers = [(("triggers", i), trigger) for i, trigger in enumerate(flow.triggers or [])]
    found.extend(_duplicates("trigger id", ((p, t.id) for p, t in triggers)))
    inputs = [(("inputs", i), item.key) for i, item in enumerate(flow.inputs or [])]
    found.extend(_duplicates("input", inputs))
    outputs = [(("outputs", i), item.id) for i, item in enumerate(flow.outputs or [])]
    found.extend(_duplicates("output", outputs))
    for path, task in tasks:
        found.extend(_task_rules(flow, path, task))
    for path, trigger in triggers:
        found.extend(_trigger_rules(path, trigger))
    return found


def _duplicates(what: str, items: Iterable[tuple[Path, str]]) -> Iterator[Violation]:
    listed = list(items)
    counts = Counter(name for _, name in listed)
    repeated = [name for name, count in counts.items() if count > 1]
    if not repeated:
        return
    seen: set[str] = set()
    first_repeat: Path = ()
    for path, name in listed:
        if name in seen:
            first_repeat = path
            break
        seen.add(name)
    yield Violation(first_repeat, f"Duplicate {what} with name [{', '.join(repeated)}]")


def _task_rules(flow: Flow, path: Path, task: Task) -> Iterator[Violation]:
    if task.worker_group is not None:
        yield Violation((*path, "workerGroup"), _ENTERPRISE_WORKER_GROUP)
    called = task.called_flow()
    if called == (flow.namespace, flow.id):
        yield Violation(path, f"Invalid Flow: Recursive call to flow [{flow.uid}]")
    for violation in task.violations():
        yield violation.under(path)


def _trigger_rules(path: Path, trigger: Trigger) -> Iterator[Violation]:
    if trigger.worker_group is not None:
        yield Violation((*path, "workerGroup"), _ENTERPRISE_WORKER_GROUP)
    for violation in trigger.violations():
        yield violation.under(path)
