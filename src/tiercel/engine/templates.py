"""Kestra's deprecated templates: a flow's ``Template`` tasks get the stored template's tasks
before an execution of the flow runs."""

from collections.abc import Callable, Iterable

from tiercel.model.flow import Flow
from tiercel.model.task import Task, walk_tasks
from tiercel.sdk.task import TemplateTask

FindTemplate = Callable[[str, str], Flow | None]
"""A stored template by namespace and id: a document with a flow's ``tasks`` and ``errors``."""

MAX_DEPTH = 16
"""How deep templates may include templates, so that one including itself ends."""


def include_templates(flow: Flow, find: FindTemplate) -> Flow:
    """``flow`` with every template task holding its template's tasks (a copy when it has
    any). A template that is not found is left out: its task fails when it runs."""
    if not _template_tasks(task for _, task in flow.all_tasks()):
        return flow
    flow = flow.model_copy(deep=True)
    pending = [(task, 0) for task in _template_tasks(task for _, task in flow.all_tasks())]
    while pending:
        task, depth = pending.pop()
        template = find(*task.template_key()) if depth < MAX_DEPTH else None
        if template is None:
            continue
        tasks = [t.model_copy(deep=True) for t in template.tasks]
        errors = [t.model_copy(deep=True) for t in template.errors or []]
        task.include(tasks, errors)
        inner = (t for _, t in walk_tasks([*tasks, *errors], ()))
        pending += [(template_task, depth + 1) for template_task in _template_tasks(inner)]
    return flow


def _template_tasks(tasks: Iterable[Task]) -> list[TemplateTask]:
    return [task for task in tasks if isinstance(task, TemplateTask)]
