"""``io.kestra.plugin.core.kv.Get``: read a value from a namespace's key-value store."""

from typing import Any

from tiercel.plugins.core.kv.set import FLOW_NAMESPACE
from tiercel.sdk import Example, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin(
    "io.kestra.plugin.core.kv.Get",
    examples=[
        Example(
            "Keep a watermark between executions",
            """\
id: watermark
namespace: company.team
tasks:
  - id: previous
    type: io.kestra.plugin.core.kv.Get
    key: last_run
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "Previous run: {{ outputs.previous.value ?? 'none' }}"
  - id: save
    type: io.kestra.plugin.core.kv.Set
    key: last_run
    value: "{{ execution.startDate }}"
""",
        ),
    ],
)
class Get(RunnableTask):
    """Read the value of a key; null when missing unless ``errorOnMissing``."""

    key: Text
    namespace: Text = FLOW_NAMESPACE
    error_on_missing: Property[bool] = False

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``value``: the stored value with its type, or null when the key is absent."""
        namespace = str(ctx.render(self.namespace))
        key = str(ctx.render(self.key))
        value = ctx.kv(namespace).get(key)
        if value is None and ctx.render_as(self.error_on_missing, bool):
            raise TaskFailure(missing_key(key, namespace))
        return {"value": value}


def missing_key(key: str, namespace: str) -> str:
    """Kestra's message for a key that ``errorOnMissing`` requires."""
    return (
        f"No value found for key '{key}' in namespace '{namespace}' and `errorOnMissing` is set "
        "to true"
    )
