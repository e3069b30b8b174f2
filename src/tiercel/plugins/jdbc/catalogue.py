"""Every class of the SQL plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.jdbc.index`` instead, and imports a class when a flow
needs it; no driver is imported either way.
"""

from tiercel.plugins.jdbc.postgresql.query import Query as PostgresQuery
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    PostgresQuery,
]
