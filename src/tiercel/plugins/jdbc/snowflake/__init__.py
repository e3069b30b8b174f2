"""Snowflake (``io.kestra.plugin.jdbc.snowflake.*``) through snowflake-connector-python."""
