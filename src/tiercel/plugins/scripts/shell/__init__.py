"""Shell scripts and commands (``io.kestra.plugin.scripts.shell``)."""
