"""Kestra's deprecated script tasks (``io.kestra.core.tasks.scripts``)."""
