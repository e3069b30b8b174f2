"""``io.kestra.plugin.core.condition.ExecutionLabels``: match labels of the upstream run."""

from tiercel.plugins.core.condition.upstream import execution_labels
from tiercel.sdk import Condition, ConditionContext, Labels, plugin


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

    def test(self, context: ConditionContext) -> bool:
        """Every label (same key, same value) is on the execution; false with no execution."""
        if context.state is None:
            return False
        found = execution_labels(context)
        return all((label.key, label.value) in found for label in self.labels)
