"""PostgreSQL (``io.kestra.plugin.jdbc.postgresql.*``) through psycopg 3."""
