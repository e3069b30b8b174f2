"""How an ``ExecutionFilter`` and Kestra's execution sort fields read in SQL."""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal, select

from tiercel.model.labels import PLAYGROUND_LABEL
from tiercel.model.state import State
from tiercel.storage.paging import ExecutionFilter, Sort
from tiercel.storage.sql.schema import execution_labels, executions
from tiercel.storage.sql.search import clean, contains, in_namespace

_ENDED = [state.value for state in State if state.is_terminated]

SORTS: dict[str, ColumnElement[Any]] = {
    "id": executions.c.id,
    "namespace": executions.c.namespace,
    "flowId": executions.c.flow_id,
    "state.current": executions.c.state,
    "state.startDate": executions.c.created_at,
    # An execution's last change is its end once it has ended; a running one has no end yet.
    "state.endDate": case((executions.c.state.in_(_ENDED), executions.c.updated_at), else_=None),
    "state.duration": executions.c.updated_at - executions.c.created_at,
}
"""Kestra's sort fields for executions (its JDBC repository's ``sortMapping``)."""

DEFAULT_SORT = (Sort("state.startDate", descending=True),)
"""Newest first, as Kestra's UI lists executions."""


COMMON_LABEL = 2_000
"""A label carried by at least this many executions is checked row by row while reading in
the sort's order; a rarer one gives the list of executions to read."""


def label_frequencies(conn: Connection, labels: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of ``labels`` are common (see ``COMMON_LABEL``): each one counted up to that bound
    on the labels index alone."""
    common = set()
    for key, value in dict.fromkeys(labels):
        carriers = (
            select(execution_labels.c.execution_id)
            .where(execution_labels.c.key == key, execution_labels.c.value == value)
            .limit(COMMON_LABEL)
            .subquery()
        )
        if conn.execute(select(func.count()).select_from(carriers)).scalar_one() >= COMMON_LABEL:
            common.add((key, value))
    return common


def execution_conditions(
    dialect: str,
    where: ExecutionFilter,
    common: Collection[tuple[str, str]] = (),
    *,
    in_order: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``where``; each is one an index can serve.

    Args:
        dialect: The database's dialect name.
        where: The filter.
        common: The labels of ``where`` carried by many executions (``label_frequencies``).
        in_order: Whether a namespace prefix is tested on the time index read in order
            (``reads_in_order``), unless a flow narrows the search to the flow index.
    """
    conditions: list[ColumnElement[bool]] = []
    if where.namespace is not None:
        if where.namespace_prefix:
            tested = in_order and where.flow_id is None
            conditions.append(
                in_namespace(executions.c.namespace, where.namespace, tested_in_order=tested)
            )
        else:
            conditions.append(executions.c.namespace == clean(where.namespace))
    if where.flow_id is not None:
        conditions.append(executions.c.flow_id == clean(where.flow_id))
    if where.states is not None:
        conditions.append(executions.c.state.in_([clean(state) for state in where.states]))
    if where.start is not None:
        conditions.append(executions.c.created_at >= where.start)
    if where.end is not None:
        conditions.append(executions.c.created_at < where.end)
    for key, value in dict.fromkeys(where.labels):
        carried = and_(execution_labels.c.key == key, execution_labels.c.value == value)
        if (key, value) in common:
            # Many carry it: probe the labels' primary key for each execution read in order,
            # the first page is found after a few rows. A scalar subquery with LIMIT, which
            # PostgreSQL runs row by row: it turns EXISTS into a join that reads every carrier.
            probe = (
                select(literal(1))
                .where(execution_labels.c.execution_id == executions.c.id, carried)
                .limit(1)
                .scalar_subquery()
            )
            conditions.append(probe.is_not(None))
        else:
            # Few carry it: read them from the labels index, then sort only those.
            carriers = select(execution_labels.c.execution_id).where(carried)
            conditions.append(executions.c.id.in_(carriers))
    if where.text:
        conditions.append(contains(dialect, [executions.c.id, executions.c.flow_id], where.text))
    if where.playground is not None:
        # Few executions are playground runs: their ids are read once from the labels index,
        # and each execution is tested against that set on the index entry it is read from.
        runs = select(execution_labels.c.execution_id).where(
            execution_labels.c.key == PLAYGROUND_LABEL
        )
        ids = executions.c.id
        conditions.append(ids.in_(runs) if where.playground else ids.not_in(runs))
    return conditions
