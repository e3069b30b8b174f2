"""Every class of the SQL plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.jdbc.index`` instead, and imports a class when a flow
needs it; no driver is imported either way.
"""

from tiercel.plugins.jdbc.duckdb.queries import Queries as DuckDbQueries
from tiercel.plugins.jdbc.duckdb.query import Query as DuckDbQuery
from tiercel.plugins.jdbc.duckdb.trigger import Trigger as DuckDbTrigger
from tiercel.plugins.jdbc.mysql.batch import Batch as MySqlBatch
from tiercel.plugins.jdbc.mysql.queries import Queries as MySqlQueries
from tiercel.plugins.jdbc.mysql.query import Query as MySqlQuery
from tiercel.plugins.jdbc.mysql.trigger import Trigger as MySqlTrigger
from tiercel.plugins.jdbc.postgresql.batch import Batch as PostgresBatch
from tiercel.plugins.jdbc.postgresql.copy_in import CopyIn as PostgresCopyIn
from tiercel.plugins.jdbc.postgresql.copy_out import CopyOut as PostgresCopyOut
from tiercel.plugins.jdbc.postgresql.queries import Queries as PostgresQueries
from tiercel.plugins.jdbc.postgresql.query import Query as PostgresQuery
from tiercel.plugins.jdbc.postgresql.trigger import Trigger as PostgresTrigger
from tiercel.plugins.jdbc.snowflake.download import Download as SnowflakeDownload
from tiercel.plugins.jdbc.snowflake.queries import Queries as SnowflakeQueries
from tiercel.plugins.jdbc.snowflake.query import Query as SnowflakeQuery
from tiercel.plugins.jdbc.snowflake.trigger import Trigger as SnowflakeTrigger
from tiercel.plugins.jdbc.snowflake.upload import Upload as SnowflakeUpload
from tiercel.plugins.jdbc.sqlite.queries import Queries as SqliteQueries
from tiercel.plugins.jdbc.sqlite.query import Query as SqliteQuery
from tiercel.plugins.jdbc.sqlite.trigger import Trigger as SqliteTrigger
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    PostgresQuery,
    PostgresQueries,
    PostgresTrigger,
    PostgresBatch,
    PostgresCopyIn,
    PostgresCopyOut,
    MySqlQuery,
    MySqlQueries,
    MySqlTrigger,
    MySqlBatch,
    SqliteQuery,
    SqliteQueries,
    SqliteTrigger,
    DuckDbQuery,
    DuckDbQueries,
    DuckDbTrigger,
    SnowflakeQuery,
    SnowflakeQueries,
    SnowflakeTrigger,
    SnowflakeUpload,
    SnowflakeDownload,
]
