"""Bun scripts and commands (``io.kestra.plugin.scripts.bun``)."""
