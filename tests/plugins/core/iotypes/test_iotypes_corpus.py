"""Kestra's own test flows: every task, trigger, condition and task runner of these groups in a
file Kestra accepts validates, and the flows of those files load without a problem on them."""

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from iotypes_support import load, rules
from tests.conftest import require_kestra_compat

from tiercel.model import load_flows
from tiercel.model.source import read_documents
from tiercel.plugins.core import condition, http, kv, namespace, runner, state, storage, trigger
from tiercel.registry import default_registry

CORPUS = require_kestra_compat()
FLOWS = CORPUS / "flows"
GROUPS = (condition, http, kv, namespace, runner, state, storage, trigger)


@cache
def mine() -> frozenset[str]:
    registry = default_registry()
    return frozenset(
        name for group in GROUPS for cls in group.PLUGINS for name in registry.info(cls).names
    )


def _typed(value: Any, path: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, dict):
        if isinstance(value.get("type"), str):
            yield path, value
        for key, item in value.items():
            if key not in ("pluginDefaults", "taskDefaults"):
                yield from _typed(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _typed(item, (*path, index))


def _entries(valid: bool | None) -> list[dict[str, Any]]:
    catalog = json.loads((CORPUS / "catalog.json").read_text())
    return [e for e in catalog if e["valid"] is valid]


def _cases(valid: bool | None) -> list[Any]:
    cases = []
    for entry in _entries(valid):
        documents = read_documents((FLOWS / entry["file"]).read_text())
        for index, document in enumerate(documents):
            for path, data in _typed(document.data):
                if data["type"] in mine():
                    name = entry["file"].rsplit("/", 1)[-1]
                    where = ".".join(map(str, path))
                    cases.append(pytest.param(data, id=f"{name}[{index}]:{where}"))
    return cases


@pytest.mark.parametrize("data", _cases(True))
def test_every_object_of_these_groups_in_an_accepted_flow_validates(data: dict[str, Any]) -> None:
    obj = load(data)
    if hasattr(obj, "violations"):
        assert rules(obj) == []


def test_the_corpus_uses_these_groups() -> None:
    used = {param.values[0]["type"] for param in _cases(True)}
    assert {
        "io.kestra.plugin.core.trigger.Schedule",
        "io.kestra.plugin.core.trigger.Flow",
        "io.kestra.plugin.core.trigger.Webhook",
        "io.kestra.plugin.fs.http.Trigger",
        "io.kestra.core.tasks.trigger.Toggle",
        "io.kestra.plugin.core.condition.MultipleCondition",
        "io.kestra.plugin.core.condition.ExpressionCondition",
        "io.kestra.plugin.core.state.Set",
        "io.kestra.plugin.core.storage.LocalFiles",
    } <= used


@pytest.mark.parametrize("data", _cases(None))
def test_schedules_with_the_deprecated_backfill_validate(data: dict[str, Any]) -> None:
    # trigger.yaml and trigger-empty.yaml: no Kestra test says whether they are valid; the
    # backfill property they use is deprecated but still declared.
    obj = load(data)
    assert rules(obj) == []


def _accepted_files_using_these_groups() -> list[Any]:
    params = []
    for entry in _entries(True):
        used = set(entry["task_types"] + entry["trigger_types"] + entry["condition_types"])
        if used & mine() and entry["core_only"]:
            params.append(pytest.param(entry["file"], id=entry["file"].rsplit("/", 1)[-1]))
    return params


@pytest.mark.parametrize("file", _accepted_files_using_these_groups())
def test_accepted_flows_have_no_problem_under_objects_of_these_groups(file: str) -> None:
    result = load_flows((FLOWS / file).read_bytes(), file, default_registry())
    document = read_documents((FLOWS / file).read_text())[0].data
    ours = {".".join(map(str, path)) for path, data in _typed(document) if data["type"] in mine()}
    problems = [
        str(problem)
        for problem in result.all_problems()
        if any(_under(problem.path, _formatted(where)) for where in ours)
    ]
    assert problems == []


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))


def _formatted(dotted: str) -> str:
    out = ""
    for part in dotted.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out
