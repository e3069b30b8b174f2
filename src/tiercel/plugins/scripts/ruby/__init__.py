"""Ruby scripts and commands (``io.kestra.plugin.scripts.ruby``)."""
