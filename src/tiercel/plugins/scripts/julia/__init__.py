"""Julia scripts and commands (``io.kestra.plugin.scripts.julia``)."""
