"""Script plugins: Python, shell and Node.js scripts run as local processes
(``io.kestra.plugin.scripts.*``)."""
