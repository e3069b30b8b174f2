"""R scripts and commands (``io.kestra.plugin.scripts.r``)."""
