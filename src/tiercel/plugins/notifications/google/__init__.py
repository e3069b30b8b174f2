"""Google Chat: ``GoogleChatIncomingWebhook`` and ``GoogleChatExecution``."""
