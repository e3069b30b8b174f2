"""File-system plugins (``io.kestra.plugin.fs.*``): local files under the allowed paths, and
files on SFTP, FTP and FTPS servers.

Like every plugin package it imports ``tiercel.sdk`` (and the shared cloud helpers) and
nothing else of Tiercel; paramiko is imported only when an SFTP task runs.
"""
