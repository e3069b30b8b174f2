"""Kestra's Markdown converters, on markdown-it-py (CommonMark, as Kestra's commonmark-java)."""
