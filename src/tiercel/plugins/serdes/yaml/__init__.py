"""Kestra's YAML converters: YAML to and from JSON and Ion."""
