"""MySQL and MariaDB (``io.kestra.plugin.jdbc.mysql.*``) through PyMySQL."""
