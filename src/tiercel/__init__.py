"""Tiercel: a workflow orchestrator in Python that runs Kestra's declarative YAML flows."""

__version__ = "0.1.0"
