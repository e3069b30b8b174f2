"""Paged searches: what a search asks for (a filter, a page, a sort) and what it answers.

Pages are numbered from 1 and sorts are written ``field:asc`` / ``field:desc`` with Kestra's
field names (``state.startDate``, ``flowId``...), as Kestra's API takes them.

A total can be expensive: counting every match of a broad filter over millions of rows costs a
scan of them all, on every page. So a search counts the matches only up to ``COUNT_AHEAD`` rows
past the end of the page asked for; below that the total is exact (``Page.exact``), beyond it it
is that bound, which is enough to page on: the next page always exists when it says so.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from tiercel.storage.errors import StorageError

T = TypeVar("T")

COUNT_AHEAD = 1_000
"""How many matches past the end of a page a search counts, at most, to give its total."""

MAX_OFFSET = 2**62
"""No table holds this many rows: a page starting further is empty without asking SQL (whose
integers stop at 2**63 - 1)."""


class InvalidSearchError(StorageError, ValueError):
    """A search asks for something that cannot be answered: an unknown sort field, a page or
    size below 1."""


@dataclass(frozen=True, slots=True)
class Sort:
    """One sort key.

    Attributes:
        field: A field name in Kestra's spelling (``state.startDate``, ``timestamp``...).
        descending: Largest first.
    """

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, text: str) -> "Sort":
        """A sort written ``field:asc`` or ``field:desc`` (Kestra's syntax).

        Raises:
            InvalidSearchError: Not ``field:direction``, or a direction other than asc/desc.
        """
        name, sep, direction = text.partition(":")
        shown = text if len(text) <= 80 else text[:80] + "..."
        if not sep or not name:
            raise InvalidSearchError(f"invalid sort '{shown}': expected field:asc or field:desc")
        if direction.lower() not in ("asc", "desc"):
            raise InvalidSearchError(f"invalid sort direction in '{shown}': asc or desc")
        return cls(name, direction.lower() == "desc")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a search's results.

    Attributes:
        results: The items of the page, in the order asked for.
        total: How many items match: exact when ``exact``, else a lower bound (see the
            module's note on ``COUNT_AHEAD``).
        exact: Whether ``total`` is the exact count.
    """

    results: list[T]
    total: int
    exact: bool = True


def check_page(page: int, size: int) -> int:
    """The offset of the first row of ``page``.

    Raises:
        InvalidSearchError: ``page`` or ``size`` below 1.
    """
    if page < 1 or size < 1:
        raise InvalidSearchError(f"page and size start at 1, not page={page}, size={size}")
    return (page - 1) * size


@dataclass(frozen=True, slots=True)
class ExecutionFilter:
    """Which executions a search matches; unset fields do not filter.

    Attributes:
        namespace: Executions of this namespace, and with ``namespace_prefix`` of the
            namespaces under it (``a.b`` matches ``a.b.c``, not ``a.bc``).
        namespace_prefix: Whether ``namespace`` also matches its child namespaces.
        flow_id: Executions of flows with this id.
        states: Executions currently in one of these states (names).
        start: Executions created at or after this time.
        end: Executions created before this time.
        labels: Executions carrying every one of these (key, value) labels.
        text: A text found, ignoring case, in the execution's id or its flow's id.
        playground: False leaves the playground runs out (Kestra's searches leave out its
            ``PLAYGROUND`` kind), True keeps only them, None keeps every execution.
    """

    namespace: str | None = None
    namespace_prefix: bool = True
    flow_id: str | None = None
    states: Sequence[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    labels: Sequence[tuple[str, str]] = field(default_factory=tuple)
    text: str | None = None
    playground: bool | None = False


@dataclass(frozen=True, slots=True)
class FlowFilter:
    """Which current flows a search matches; unset fields do not filter.

    Attributes:
        namespace: Flows of this namespace or of a namespace under it.
        text: A text found, ignoring case, in the flow's id or namespace.
    """

    namespace: str | None = None
    text: str | None = None
