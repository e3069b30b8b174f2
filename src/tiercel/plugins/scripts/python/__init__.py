"""Python scripts and commands in an isolated environment (``io.kestra.plugin.scripts.python``)."""
