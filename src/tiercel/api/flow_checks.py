"""What ``POST /flows/validate`` says of one YAML document: Kestra's fields, plus each problem
and notice with its line, column and field, so an editor can mark the exact place.

The editor sends the whole source as the user types, so the check is kept off the paths that
made its slowest calls slow: the collector is paused while a flow's short-lived, cycle-free
objects are made (a full collection walks every object of the server, some 100 ms), and a text
checked a moment ago (sent again on save, after an undo) is answered from a small cache.
"""

import copy
import gc
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
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


CACHED_SOURCES = 8
"""How many recently checked sources are remembered, whole."""
CACHED_MAX_CHARS = 2_000_000
"""Sources longer than this are checked each time, never kept."""


@dataclass(frozen=True, slots=True)
class Timed:
    """A validation's entries and what it cost the server."""

    entries: list[dict[str, Any]]
    wall_ms: float
    cpu_ms: float
    cached: bool

    def server_timing(self) -> str:
        """The ``Server-Timing`` header value: wall and CPU time of the check, in ms."""
        hit = ', cache;desc="hit"' if self.cached else ""
        return f"validate;dur={self.wall_ms:.1f}, cpu;dur={self.cpu_ms:.1f}{hit}"


class SourceChecker:
    """Checks sources of one or more flows, remembering the last few answers by text."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()

    def check(self, documents: list[str], source: str) -> Timed:
        """The validation entries of ``documents`` (the YAML documents of ``source``).

        Args:
            documents: The source's documents, in order.
            source: The whole source, the key of the cache.

        Returns:
            The entries (deep copies: callers may change them) with the time spent.
        """
        began, cpu = time.perf_counter(), time.thread_time()
        with self._lock:
            known = self._recent.get(source)
            if known is not None:
                self._recent.move_to_end(source)
        if known is not None:
            return Timed(copy.deepcopy(known), *_spent(began, cpu), cached=True)
        collecting = gc.isenabled()
        if collecting:
            gc.disable()  # resumed below; cycles made meanwhile are found by the next collection
        try:
            entries = [checked(text, index, self._registry) for index, text in enumerate(documents)]
        finally:
            if collecting:
                gc.enable()
        if len(source) <= CACHED_MAX_CHARS:
            with self._lock:
                self._recent[source] = copy.deepcopy(entries)
                while len(self._recent) > CACHED_SOURCES:
                    self._recent.popitem(last=False)
        return Timed(entries, *_spent(began, cpu), cached=False)


def _spent(began: float, cpu: float) -> tuple[float, float]:
    return (time.perf_counter() - began) * 1000, (time.thread_time() - cpu) * 1000
