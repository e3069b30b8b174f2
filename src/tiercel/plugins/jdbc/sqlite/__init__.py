"""SQLite (``io.kestra.plugin.jdbc.sqlite.*``) through Python's own ``sqlite3``."""
