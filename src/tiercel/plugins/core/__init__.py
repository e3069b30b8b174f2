"""Kestra's core plugins (``io.kestra.plugin.core.*``) and their legacy aliases.

Each group is a subpackage listing its classes in ``PLUGINS``; one type per module.
``catalogue.PLUGINS`` imports them all; ``index.INDEX`` names them without importing, and is
what the ``tiercel.plugins`` entry point publishes.
"""
