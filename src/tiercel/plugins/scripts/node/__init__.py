"""Node.js scripts and commands (``io.kestra.plugin.scripts.node``)."""
