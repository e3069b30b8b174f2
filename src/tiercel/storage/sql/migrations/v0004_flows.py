"""Migration 4: deployed flows, every revision a row with its YAML source."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


def upgrade(conn: Connection) -> None:
    """Create the table of schema version 4."""
    metadata = MetaData()
    Table(
        "flows",
        metadata,
        Column("namespace", String, primary_key=True),
        Column("flow_id", String, primary_key=True),
        Column("revision", Integer, primary_key=True, autoincrement=False),
        Column("source", Text, nullable=False),
        Column("deleted", Boolean, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    )
    metadata.create_all(conn)
