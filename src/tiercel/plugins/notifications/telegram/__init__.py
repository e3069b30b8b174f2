"""Telegram: ``TelegramSend`` and ``TelegramExecution`` through the Bot API."""
