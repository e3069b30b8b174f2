"""``io.kestra.plugin.core.condition.ExecutionLabels``: match labels of the upstream run."""

from tiercel.sdk import Condition, Labels, plugin


@plugin(
    "io.kestra.plugin.core.condition.ExecutionLabels",
    aliases=[
        "io.kestra.core.models.conditions.types.ExecutionLabelsCondition",
        "io.kestra.plugin.core.condition.ExecutionLabelsCondition",
    ],
)
class ExecutionLabels(Condition):
    """Pass when the execution carries every one of the given labels."""

    labels: Labels
