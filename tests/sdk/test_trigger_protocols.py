"""The SDK's trigger protocols: Kestra's core triggers fit the one of their kind, and no
installed trigger fits one by accident (the scheduler and the API pick triggers by them)."""

from tiercel.model import PluginKind
from tiercel.registry import default_registry
from tiercel.sdk import ExecutionListeningTrigger, ScheduledTrigger, WebhookTrigger

PROTOCOLS: tuple[type, ...] = (ScheduledTrigger, WebhookTrigger, ExecutionListeningTrigger)


def _members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")}


def test_each_installed_trigger_fits_the_protocol_of_its_kind_only() -> None:
    registry = default_registry()
    registry.load_all()
    fits: dict[str, list[str]] = {}
    for cls in registry.classes(PluginKind.TRIGGER):
        names = set(cls.model_fields) | set(dir(cls))
        found = [p.__name__ for p in PROTOCOLS if _members(p) <= names]
        if found:
            fits[registry.info(cls).type] = found
    assert fits == {
        "io.kestra.plugin.core.trigger.Schedule": ["ScheduledTrigger"],
        "io.kestra.plugin.core.trigger.ScheduleOnDates": ["ScheduledTrigger"],
        "io.kestra.plugin.core.trigger.Webhook": ["WebhookTrigger"],
        "io.kestra.plugin.core.trigger.Flow": ["ExecutionListeningTrigger"],
    }
