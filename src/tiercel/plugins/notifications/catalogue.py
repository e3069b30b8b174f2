"""Every class of the notification plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.notifications.index`` instead, and imports a class when
needed.
"""

from tiercel.plugins.notifications.discord.execution import DiscordExecution
from tiercel.plugins.notifications.discord.incoming_webhook import DiscordIncomingWebhook
from tiercel.plugins.notifications.google.chat_execution import GoogleChatExecution
from tiercel.plugins.notifications.google.chat_incoming_webhook import GoogleChatIncomingWebhook
from tiercel.plugins.notifications.mail.execution import MailExecution
from tiercel.plugins.notifications.mail.send import MailSend
from tiercel.plugins.notifications.opsgenie.alert import OpsgenieAlert
from tiercel.plugins.notifications.opsgenie.execution import OpsgenieExecution
from tiercel.plugins.notifications.pagerduty.alert import PagerDutyAlert
from tiercel.plugins.notifications.pagerduty.execution import PagerDutyExecution
from tiercel.plugins.notifications.sentry.alert import SentryAlert
from tiercel.plugins.notifications.sentry.execution import SentryExecution
from tiercel.plugins.notifications.slack.execution import SlackExecution
from tiercel.plugins.notifications.slack.incoming_webhook import SlackIncomingWebhook
from tiercel.plugins.notifications.teams.execution import TeamsExecution
from tiercel.plugins.notifications.teams.incoming_webhook import TeamsIncomingWebhook
from tiercel.plugins.notifications.telegram.execution import TelegramExecution
from tiercel.plugins.notifications.telegram.send import TelegramSend
from tiercel.plugins.notifications.zenduty.alert import ZendutyAlert
from tiercel.plugins.notifications.zenduty.execution import ZendutyExecution
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    SlackIncomingWebhook,
    SlackExecution,
    MailSend,
    MailExecution,
    TeamsIncomingWebhook,
    TeamsExecution,
    DiscordIncomingWebhook,
    DiscordExecution,
    GoogleChatIncomingWebhook,
    GoogleChatExecution,
    TelegramSend,
    TelegramExecution,
    PagerDutyAlert,
    PagerDutyExecution,
    OpsgenieAlert,
    OpsgenieExecution,
    SentryAlert,
    SentryExecution,
    ZendutyAlert,
    ZendutyExecution,
]
