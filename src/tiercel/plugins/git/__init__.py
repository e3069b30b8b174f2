"""Git plugins (``io.kestra.plugin.git.*``): ``Clone``, ``PushFlows``, ``SyncFlows``,
``PushNamespaceFiles`` and ``SyncNamespaceFiles``, with the ``git`` binary.

``repository`` runs git with the task's credentials (a password or token through an askpass
helper, an SSH key through ``GIT_SSH_COMMAND``; never on a command line, never in a message)
and holds the properties every git task shares. Like every plugin package it imports
``tiercel.sdk`` and, for the Ion diff files, the core plugins' Ion codec.
"""
