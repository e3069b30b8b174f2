"""File-system plugins (``io.kestra.plugin.fs.*``): triggers that watch a local directory.

Like every plugin package it imports ``tiercel.sdk`` and nothing else of Tiercel.
"""
