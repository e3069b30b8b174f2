"""SQL database plugins (``io.kestra.plugin.jdbc.*``): PostgreSQL, MySQL and MariaDB, SQLite,
DuckDB and Snowflake.

The shared modules hold what every database has in common, as Kestra's ``plugin-jdbc`` does:
the ``url`` parsing, the query, queries, batch and trigger logic, Kestra's mapping of SQL
values, and the streaming of results into Ion files. Each database package adds its driver
(imported only when one of its tasks runs) and its own task types, one per module. Like every
plugin package it imports ``tiercel.sdk`` and nothing else of Tiercel.
"""
