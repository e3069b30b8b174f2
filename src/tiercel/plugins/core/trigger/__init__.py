"""Core ``trigger`` plugins: the triggers that start executions, and the Toggle task."""

from tiercel.plugins.core.trigger.flow import FlowTrigger
from tiercel.plugins.core.trigger.schedule import Schedule
from tiercel.plugins.core.trigger.schedule_on_dates import ScheduleOnDates
from tiercel.plugins.core.trigger.toggle import Toggle
from tiercel.plugins.core.trigger.webhook import Webhook
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [FlowTrigger, Schedule, ScheduleOnDates, Toggle, Webhook]
