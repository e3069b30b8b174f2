"""Redis strings: ``Get``, ``Set`` and ``Delete``."""
