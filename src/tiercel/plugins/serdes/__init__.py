"""Serialisation plugins (``io.kestra.plugin.serdes.*``): files converted to and from the Ion
files Kestra's tasks exchange, streamed line by line on the SDK's Ion codec.

Like every plugin package it imports ``tiercel.sdk`` and nothing else of Tiercel.
"""
