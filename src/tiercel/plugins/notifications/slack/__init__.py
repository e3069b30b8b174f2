"""Slack: ``SlackIncomingWebhook`` and ``SlackExecution`` (``io.kestra.plugin.slack.notifications``,
formerly ``io.kestra.plugin.notifications.slack``)."""
