"""Deno scripts and commands (``io.kestra.plugin.scripts.deno``)."""
