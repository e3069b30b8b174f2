"""What ``POST /flows/validate`` says of one YAML document: Kestra's fields, plus each problem
and notice with its line, column and field, so an editor can mark the exact place."""

from typing import Any

from tiercel.model.errors import Problem
from tiercel.model.loader import load_flows
from tiercel.registry import Registry

SOURCE_NAME = "flow.yaml"
"""How messages name the document, as ``tiercel flow validate`` names a file."""


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem as the editor marks it; ``text`` is the CLI's whole line."""
    return {
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "message": problem.message,
        "text": str(problem),
    }


def checked(document: str, index: int, registry: Registry) -> dict[str, Any]:
    """The validation entry of the ``index``-th document of a source.

    Args:
        document: One flow's YAML.
        index: Its position in the source.
        registry: The installed plugins.

    Returns:
        Kestra's ``ValidateConstraintViolation`` fields (``index``, ``flow``, ``namespace``,
        ``outdated``, ``constraints`` when invalid, ``warnings``, ``deprecationPaths``) and
        Tiercel's ``problems`` and ``notices``.
    """
    result = load_flows(document, SOURCE_NAME, registry)
    problems = result.all_problems()
    if not problems and len(result.flows) != 1:
        problems = [Problem(SOURCE_NAME, 1, 1, "", "expected exactly one flow in the source")]
    notices = [notice for loaded in result.flows for notice in loaded.notices]
    entry: dict[str, Any] = {"index": index, "outdated": False}
    loaded = result.flows[0] if len(result.flows) == 1 else None
    if loaded is not None and loaded.flow is not None:
        entry.update(flow=loaded.flow.id, namespace=loaded.flow.namespace)
    elif loaded is not None and isinstance(loaded.data, dict):
        # An invalid flow still names itself when it can: the editor shows which one.
        for key in ("id", "namespace"):
            if isinstance(loaded.data.get(key), str):
                entry["flow" if key == "id" else key] = loaded.data[key]
    if problems:
        entry["constraints"] = "\n".join(str(p) for p in problems)
    entry["warnings"] = [str(n) for n in notices]
    entry["deprecationPaths"] = [n.path for n in notices]
    entry["problems"] = [problem_json(p) for p in problems]
    entry["notices"] = [problem_json(n) for n in notices]
    return entry
