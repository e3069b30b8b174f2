"""The namespaces that hold flows, read in SQL."""

from sqlalchemy import exists, select

from tiercel.storage.sql import dialects
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import flows


def flow_namespaces(db: Database) -> list[str]:
    """The distinct namespaces of the current, not deleted, flows, in code-point order.

    One row per namespace comes back: their number is that of namespaces, not of flows.
    """
    newer = flows.alias("newer")
    current = select(flows.c.namespace).where(
        flows.c.deleted.is_(False),
        ~exists().where(
            newer.c.namespace == flows.c.namespace,
            newer.c.flow_id == flows.c.flow_id,
            newer.c.revision > flows.c.revision,
        ),
    )
    query = current.group_by(flows.c.namespace).order_by(
        dialects.code_point_order(db.dialect, flows.c.namespace)
    )
    with db.read() as conn:
        return [str(namespace) for namespace in conn.execute(query).scalars()]
