"""Go scripts and commands (``io.kestra.plugin.scripts.go``)."""
