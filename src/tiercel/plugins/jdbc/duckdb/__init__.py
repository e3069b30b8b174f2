"""DuckDB (``io.kestra.plugin.jdbc.duckdb.*``) through its Python package."""
