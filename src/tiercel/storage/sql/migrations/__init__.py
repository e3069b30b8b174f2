"""Numbered schema migrations, applied in order when a ``Database`` opens.

Each applied migration is recorded in ``schema_version``; opening a database applies only the
missing ones, all in one transaction, so a failure leaves the schema as it was. To change the
schema, add ``vNNNN_<name>.py`` with an ``upgrade(conn)`` function, append it to ``MIGRATIONS``
and update ``tiercel.storage.sql.schema`` to match.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, inspect, select

from tiercel.storage.errors import SchemaError
from tiercel.storage.sql.migrations import (
    v0001_init,
    v0002_executions,
    v0003_triggers,
    v0004_flows,
    v0005_work,
    v0006_search,
    v0007_timelines,
    v0008_log_counts,
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema's history.

    Attributes:
        version: Its number, from 1 with no gaps.
        name: A short description.
        upgrade: Applies the step inside the migration transaction.
    """

    version: int
    name: str
    upgrade: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "init", v0001_init.upgrade),
    Migration(2, "executions", v0002_executions.upgrade),
    Migration(3, "triggers", v0003_triggers.upgrade),
    Migration(4, "flows", v0004_flows.upgrade),
    Migration(5, "work", v0005_work.upgrade),
    Migration(6, "search", v0006_search.upgrade),
    Migration(7, "timelines", v0007_timelines.upgrade),
    Migration(8, "log counts", v0008_log_counts.upgrade),
)
"""Every migration, in order."""

_metadata = MetaData()
schema_version = Table(
    "schema_version",
    _metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String, nullable=False),
)
"""The record of applied migrations; its shape never changes."""


def check_sequence(migrations: Sequence[Migration]) -> int:
    """Return the latest version after checking that versions run 1, 2, 3... without gaps.

    Raises:
        SchemaError: A gap, a repeat or a wrong order.
    """
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise SchemaError(
                f"migration {migration.name!r} has version {migration.version}, "
                f"expected {expected}: versions must run 1, 2, 3... in order"
            )
    return len(migrations)


def current_version(conn: Connection) -> int:
    """The latest version applied to the database; 0 for a new one."""
    if not inspect(conn).has_table(schema_version.name):
        return 0
    versions = conn.execute(select(schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def apply_missing(conn: Connection, migrations: Sequence[Migration]) -> list[int]:
    """Apply the migrations the database lacks, inside the caller's write transaction.

    Returns:
        The versions applied, in order; empty when the schema was up to date.

    Raises:
        SchemaError: The database is newer than these migrations.
    """
    latest = check_sequence(migrations)
    schema_version.create(conn, checkfirst=True)
    applied = set(conn.execute(select(schema_version.c.version)).scalars())
    newest = max(applied, default=0)
    if newest > latest:
        raise SchemaError(
            f"the database has schema version {newest}, newer than this Tiercel knows "
            f"({latest}): upgrade Tiercel"
        )
    done: list[int] = []
    for migration in migrations:
        if migration.version not in applied:
            migration.upgrade(conn)
            conn.execute(
                schema_version.insert().values(version=migration.version, name=migration.name)
            )
            done.append(migration.version)
    return done
