"""Microsoft Teams: ``TeamsIncomingWebhook`` and ``TeamsExecution``."""
