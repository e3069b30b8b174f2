"""The database servers the SQL plugin tests use: the suite's throwaway PostgreSQL cluster,
a MariaDB started here on a throwaway data directory, fakesnow for Snowflake."""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url


@pytest.fixture
def pg_jdbc(postgres_url: str) -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database: its JDBC URL for flows, and a libpq conninfo for checks."""
    url = make_url(postgres_url)
    jdbc = f"jdbc:postgresql://{url.host}:{url.port}/{url.database}"
    conninfo = f"host={url.host} port={url.port} dbname={url.database} user={url.username}"
    yield jdbc, conninfo
