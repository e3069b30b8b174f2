"""From YAML text to validated flows, or to every problem, each with its line and column."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from tiercel.model.catalog import CATALOG_CONTEXT_KEY, TypeCatalog
from tiercel.model.checks import check_flow, expression_violations, raw_duplicate_tasks
from tiercel.model.defaults import apply_plugin_defaults
from tiercel.model.errors import Path, PathPart, Problem, Violation, format_path
from tiercel.model.flow import Flow
from tiercel.model.input import INPUT_CLASSES
from tiercel.model.source import Document, SourceError, decode, read_documents
from tiercel.model.task import walk_plugin_objects


@dataclass(slots=True)
class LoadedFlow:
    """One document of a source: the flow when it is valid, else its problems."""

    index: int
    line: int
    flow: Flow | None
    problems: list[Problem] = field(default_factory=list)
    data: Any = None
    notices: list[Problem] = field(default_factory=list)
    """Advice that does not make the flow invalid: legacy type names, deprecated types."""


@dataclass(slots=True)
class LoadResult:
    """Everything read from one source: its flows, and problems that stopped any reading."""

    source: str
    flows: list[LoadedFlow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every flow in the source is valid."""
        return not self.all_problems()

    def all_problems(self) -> list[Problem]:
        """Problems of the source itself, then of each flow."""
        return self.problems + [p for loaded in self.flows for p in loaded.problems]

    def valid_flows(self) -> list[Flow]:
        """The flows that validated."""
        return [loaded.flow for loaded in self.flows if loaded.flow is not None]


def load_flows(source: bytes | str, name: str, catalog: TypeCatalog) -> LoadResult:
    """Read every flow in a YAML source and validate it against the installed plugins.

    Args:
        source: the file's bytes or text.
        name: how problems name the source, usually its path.
        catalog: the plugin types flows may use.

    Returns:
        Every flow with its problems. Nothing is raised for bad input.
    """
    result = LoadResult(name)
    try:
        text = decode(source) if isinstance(source, bytes) else source
        documents = read_documents(text)
    except SourceError as exc:
        result.problems.append(Problem(name, exc.line, exc.column, "", exc.message))
        return result
    if not documents:
        result.problems.append(Problem(name, 1, 1, "", "empty file: there is no flow in it"))
    for index, document in enumerate(documents):
        result.flows.append(_load_document(document, index, name, catalog))
    return result


def _load_document(document: Document, index: int, name: str, catalog: TypeCatalog) -> LoadedFlow:
    loaded = LoadedFlow(index, document.line, None, data=document.data)
    loaded.problems.extend(
        Problem(name, issue.line, issue.column, format_path(issue.path), issue.message)
        for issue in document.issues
    )
    data = document.data
    if not isinstance(data, dict):
        line, column = document.position(())
        loaded.problems.append(
            Problem(name, line, column, "", "a flow must be a mapping with id, namespace, tasks")
        )
        return loaded
    unclosed, broken = expression_violations(data, catalog)
    data = apply_plugin_defaults(data, catalog)
    try:
        flow = Flow.model_validate(data, context={CATALOG_CONTEXT_KEY: catalog})
    except ValidationError as exc:
        # The flow rules need a valid model; duplicate ids can still be found in the text.
        found = _problems(exc, data, document, name, catalog)
        found.extend(_at(name, document, data, raw_duplicate_tasks(data, catalog)))
        found.extend(_at(name, document, data, unclosed))
        loaded.problems.extend(sorted(found, key=lambda p: (p.line, p.column)))
        return loaded
    found = _at(name, document, data, check_flow(flow))
    found.extend(_at(name, document, data, unclosed))
    loaded.problems.extend(sorted(found, key=lambda p: (p.line, p.column)))
    if not loaded.problems:
        loaded.flow = flow
        loaded.notices = _notices(flow, document, name, catalog)
        loaded.notices.extend(_at(name, document, data, broken))
    return loaded


def _at(name: str, document: Document, data: Any, found: Iterable[Violation]) -> list[Problem]:
    problems = []
    for violation in found:
        path = _written_path(violation.path, data)
        line, column = document.position(path)
        problems.append(Problem(name, line, column, format_path(path), violation.message))
    return problems


def _notices(flow: Flow, document: Document, name: str, catalog: TypeCatalog) -> list[Problem]:
    notices = []
    for path, obj in walk_plugin_objects(flow, ()):
        canonical = catalog.canonical_name(obj.type)
        advice = None
        if canonical is not None and canonical != obj.type:
            advice = f"{obj.type} is replaced by {canonical}"
        elif catalog.is_deprecated(obj.type):
            advice = f"{obj.type} is deprecated"
        if advice:
            line, column = document.position((*path, "type"))
            notices.append(Problem(name, line, column, format_path((*path, "type")), advice))
    return notices


def _written_path(path: Path, data: Any) -> Path:
    """Map a model path onto the data as written: item ``n`` of a map-form list (labels given
    as ``{k: v}``) becomes the map's ``n``-th key."""
    written: list[PathPart] = []
    current = data
    for part in path:
        if isinstance(current, dict) and isinstance(part, int) and 0 <= part < len(current):
            part = list(current)[part]
        written.append(part)
        if isinstance(current, dict) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(written)


def _problems(
    exc: ValidationError, data: Any, document: Document, name: str, catalog: TypeCatalog
) -> list[Problem]:
    by_path: dict[Path, list[str]] = {}
    for error in exc.errors(include_url=False):
        path, through_union = _data_path(error["loc"], data)
        if error["type"] in _TYPE_ERRORS:
            path = (*path, "type")
        message = _message(error, path, data, catalog)
        if through_union and error["type"] == "value_error" and "{{ expression }}" in message:
            message = ""  # the other branch of Property[T] explains better
        by_path.setdefault(path, [])
        if message and message not in by_path[path]:
            by_path[path].append(message)
    problems = []
    for path, messages in by_path.items():
        line, column = document.position(path)
        text = " or ".join(messages) if messages else "must be a {{ expression }}"
        problems.append(Problem(name, line, column, format_path(path), text))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


_TYPE_ERRORS = frozenset({"unknown_type", "wrong_kind", "invalid_type"})


def _data_path(loc: tuple[int | str, ...], data: Any) -> tuple[Path, bool]:
    """Map a pydantic location onto the data, dropping union-member labels it contains."""
    path: list[PathPart] = []
    current = data
    skipped = False
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            path.append(part)
            continue
        if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
            continue
        if last and isinstance(current, dict) and isinstance(part, str):
            path.append(part)  # a missing or unknown key
        else:
            skipped = True
    return tuple(path), skipped


def _message(error: ErrorDetails, path: Path, data: Any, catalog: TypeCatalog) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing required property"
    if kind == "extra_forbidden":
        field_name = str(path[-1]) if path else "?"
        hint = _suggest_field(field_name, path[:-1], data, catalog)
        text = f"Unrecognized field '{field_name}'"
        return f"{text} — did you mean '{hint}'?" if hint else text
    if kind in ("too_short", "string_too_short") and error.get("ctx", {}).get("min_length") == 1:
        return "must not be empty"
    if kind == "list_type" and error["input"] is None:
        return "must not be empty"
    if kind == "time_delta_parsing":
        return "must be an ISO-8601 duration such as 'PT5M' or 'P1D'"
    if kind == "string_pattern_mismatch":
        return f'must match "{error.get("ctx", {}).get("pattern", "")}"'
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return message


def _suggest_field(name: str, parent: Path, data: Any, catalog: TypeCatalog) -> str | None:
    owner = data
    for part in parent:
        owner = owner[part]
    model = _model_of(owner, parent, catalog)
    if model is None:
        return None
    fields = [info.alias or key for key, info in model.model_fields.items()]
    matches = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _model_of(owner: Any, parent: Path, catalog: TypeCatalog) -> type[BaseModel] | None:
    if parent == ():
        return Flow
    if not isinstance(owner, dict):
        return None
    type_name = owner.get("type")
    if not isinstance(type_name, str):
        return None
    if len(parent) == 2 and parent[0] == "inputs":
        return INPUT_CLASSES.get(type_name)
    kind = catalog.kind_of(type_name)
    return catalog.resolve(kind, type_name) if kind is not None else None
