"""Example third-party triggers, written against ``tiercel.sdk`` only.

None of them subclasses a core trigger: the scheduler and the API find them by the SDK's
protocols (``ScheduledTrigger``, ``WebhookTrigger``) and base classes (``PollingTrigger``).
"""

from tiercel.sdk import PluginObject
from tiercel_ext_example.every import Every
from tiercel_ext_example.hook import Hook
from tiercel_ext_example.tally import Tally

PLUGINS: list[type[PluginObject]] = [Every, Hook, Tally]
