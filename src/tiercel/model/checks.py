"""Flow-wide rules that no single field's type can express."""

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from tiercel.model.catalog import PluginKind, TypeCatalog
from tiercel.model.errors import Path, Violation
from tiercel.model.flow import Flow
from tiercel.model.property import is_expression
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


_TASK_LISTS = ("tasks", "errors", "finally", "afterExecution")
_NOT_TASKS = frozenset({PluginKind.TRIGGER, PluginKind.CONDITION, PluginKind.TASK_RUNNER})


def raw_duplicate_tasks(data: dict[str, Any], catalog: TypeCatalog) -> list[Violation]:
    """Duplicate task ids in a flow as written, for a flow that other errors keep from
    loading: the ids are reported all the same, as Kestra does."""
    tasks: list[tuple[Path, str]] = []
    for key in _TASK_LISTS:
        tasks.extend(_raw_tasks(data.get(key), (key,), catalog))
    listeners = data.get("listeners")
    if isinstance(listeners, list):
        for index, listener in enumerate(listeners):
            if isinstance(listener, dict):
                where: Path = ("listeners", index, "tasks")
                tasks.extend(_raw_tasks(listener.get("tasks"), where, catalog))
    return list(_duplicates("task id", tasks))


def _raw_tasks(value: Any, path: Path, catalog: TypeCatalog) -> Iterator[tuple[Path, str]]:
    """Every mapping with a string ``id`` and a task's (or an unknown) ``type`` under
    ``value``, nested ones included."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _raw_tasks(item, (*path, index), catalog)
    elif isinstance(value, dict):
        task_id, type_name = value.get("id"), value.get("type")
        if isinstance(task_id, str) and isinstance(type_name, str):
            if catalog.kind_of(type_name) in _NOT_TASKS:
                return
            yield path, task_id
        for key, item in value.items():
            if isinstance(key, str):
                yield from _raw_tasks(item, (*path, key), catalog)


def expression_violations(
    data: Any, catalog: TypeCatalog
) -> tuple[list[Violation], list[Violation]]:
    """The strings of a flow as written whose template does not parse: those left unclosed
    (errors), and those with another syntax error (warnings: Kestra accepts them, and they
    fail when rendered). Descriptions are documentation, never rendered, and are left alone."""
    errors: list[Violation] = []
    warnings: list[Violation] = []
    for path, text in _strings(data, ()):
        problem = catalog.expression_problem(text)
        if problem is not None:
            found = errors if problem.unclosed else warnings
            found.append(Violation(path, f"Invalid expression: {problem.message}"))
    return errors, warnings


def _strings(data: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(data, dict):
        for key, item in data.items():
            if key != "description" and isinstance(key, str | int):
                yield from _strings(item, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _strings(item, (*path, index))
    elif isinstance(data, str) and (is_expression(data) or "{#" in data):
        yield path, data


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
