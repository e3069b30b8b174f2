"""Sentry: ``SentryAlert`` and ``SentryExecution``: events sent to a project's DSN."""
