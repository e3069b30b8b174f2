"""``SqlFlowStore``: flow revisions in the ``flows`` table."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, exists, func, select, tuple_

from tiercel.storage.paging import FlowFilter, Page, Sort, check_page
from tiercel.storage.records import FlowRecord
from tiercel.storage.sql import dialects
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.namespaces import flow_namespaces
from tiercel.storage.sql.schema import flows
from tiercel.storage.sql.search import contains, in_namespace, order_by, page_keys


class SqlFlowStore:
    """The ``FlowStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store flows in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db

    def save(self, namespace: str, flow_id: str, source: str, *, now: datetime) -> FlowRecord:
        """Store ``source`` as the next revision unless it is the current one's text."""
        with self._db.write() as conn:
            dialects.lock_key(conn, "flows", namespace, flow_id)
            latest = conn.execute(_latest(namespace, flow_id)).first()
            if latest is not None and not latest.deleted and latest.source == source:
                return _record(latest)
            record = FlowRecord(
                namespace, flow_id, (latest.revision if latest else 0) + 1, source, now
            )
            conn.execute(flows.insert(), [_row(record)])
        return record

    def get(self, namespace: str, flow_id: str, revision: int | None = None) -> FlowRecord | None:
        """The current revision, or a given one."""
        if revision is None:
            query = _latest(namespace, flow_id)
        else:
            query = select(flows).where(
                flows.c.namespace == namespace,
                flows.c.flow_id == flow_id,
                flows.c.revision == revision,
            )
        with self._db.read() as conn:
            row = conn.execute(query).first()
        if row is None or (revision is None and row.deleted):
            return None
        return _record(row)

    def revisions(self, namespace: str, flow_id: str) -> list[FlowRecord]:
        """Every revision, oldest first."""
        query = (
            select(flows)
            .where(flows.c.namespace == namespace, flows.c.flow_id == flow_id)
            .order_by(flows.c.revision)
        )
        with self._db.read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def find(self, *, namespace: str | None = None, prefix: bool = False) -> list[FlowRecord]:
        """The current revisions of the flows not deleted."""
        newest = select(
            flows.c.namespace, flows.c.flow_id, func.max(flows.c.revision).label("revision")
        ).group_by(flows.c.namespace, flows.c.flow_id)
        if namespace is not None:
            if prefix:
                newest = newest.where(
                    (flows.c.namespace == namespace)
                    | dialects.starts_with(flows.c.namespace, f"{namespace}.")
                )
            else:
                newest = newest.where(flows.c.namespace == namespace)
        latest = newest.subquery()
        query = (
            select(flows)
            .join(
                latest,
                and_(
                    flows.c.namespace == latest.c.namespace,
                    flows.c.flow_id == latest.c.flow_id,
                    flows.c.revision == latest.c.revision,
                ),
            )
            .where(flows.c.deleted.is_(False))
            .order_by(
                dialects.code_point_order(self._db.dialect, flows.c.namespace),
                dialects.code_point_order(self._db.dialect, flows.c.flow_id),
            )
        )
        with self._db.read() as conn:
            return [_record(row) for row in conn.execute(query)]

    def search(
        self, where: FlowFilter, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[FlowRecord]:
        """A page of the current revisions of the flows not deleted that match ``where``, by
        namespace and id unless ``sort`` says otherwise."""
        offset = check_page(page, size)
        order = order_by(sort, _SORTS, _DEFAULT_SORT, [flows.c.namespace, flows.c.flow_id])
        newer = flows.alias("newer")
        current = [
            flows.c.deleted.is_(False),
            ~exists().where(
                newer.c.namespace == flows.c.namespace,
                newer.c.flow_id == flows.c.flow_id,
                newer.c.revision > flows.c.revision,
            ),
        ]
        if where.namespace is not None:
            current.append(in_namespace(flows.c.namespace, where.namespace))
        if where.text:
            ids = [flows.c.flow_id, flows.c.namespace]
            current.append(contains(self._db.dialect, ids, where.text))
        key = (flows.c.namespace, flows.c.flow_id, flows.c.revision)
        matching = select(*key).where(*current)
        with self._db.read() as conn:
            keys, total, exact = page_keys(conn, matching, order, offset, size)
            wanted = [tuple(k) for k in keys]
            found: dict[tuple[Any, ...], Row[Any]] = {}
            if wanted:
                for row in conn.execute(select(flows).where(tuple_(*key).in_(wanted))):
                    found[(row.namespace, row.flow_id, row.revision)] = row
        return Page([_record(found[k]) for k in wanted if k in found], total, exact)

    def namespaces(self) -> list[str]:
        """The namespaces of the current flows; see the port."""
        return flow_namespaces(self._db)

    def delete(self, namespace: str, flow_id: str, *, now: datetime) -> FlowRecord | None:
        """Add a revision that marks the flow deleted, keeping its last source."""
        with self._db.write() as conn:
            dialects.lock_key(conn, "flows", namespace, flow_id)
            latest = conn.execute(_latest(namespace, flow_id)).first()
            if latest is None or latest.deleted:
                return None
            record = FlowRecord(
                namespace, flow_id, latest.revision + 1, latest.source, now, deleted=True
            )
            conn.execute(flows.insert(), [_row(record)])
        return record


_SORTS: dict[str, ColumnElement[Any]] = {"id": flows.c.flow_id, "namespace": flows.c.namespace}
"""The fields flows sort by, in Kestra's spelling."""

_DEFAULT_SORT = (Sort("namespace"), Sort("id"))


def _latest(namespace: str, flow_id: str) -> Any:
    return (
        select(flows)
        .where(flows.c.namespace == namespace, flows.c.flow_id == flow_id)
        .order_by(flows.c.revision.desc())
        .limit(1)
    )


def _row(record: FlowRecord) -> dict[str, Any]:
    return {
        "namespace": record.namespace,
        "flow_id": record.flow_id,
        "revision": record.revision,
        "source": record.source,
        "deleted": record.deleted,
        "updated_at": record.updated_at,
    }


def _record(row: Row[Any]) -> FlowRecord:
    return FlowRecord(
        namespace=row.namespace,
        flow_id=row.flow_id,
        revision=row.revision,
        source=row.source,
        updated_at=row.updated_at,
        deleted=bool(row.deleted),
    )
