"""Discord: ``DiscordIncomingWebhook`` and ``DiscordExecution``."""
