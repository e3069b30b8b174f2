"""``io.kestra.plugin.core.condition.ExecutionNamespace``: match the upstream run's namespace."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Condition, ConditionContext, Property, Text, plugin


class Comparison(StrEnum):
    """How the execution's namespace is compared with ``namespace``."""

    EQUALS = "EQUALS"
    PREFIX = "PREFIX"
    SUFFIX = "SUFFIX"


@plugin(
    "io.kestra.plugin.core.condition.ExecutionNamespace",
    aliases=[
        "io.kestra.core.models.conditions.types.ExecutionNamespaceCondition",
        "io.kestra.plugin.core.condition.ExecutionNamespaceCondition",
    ],
)
class ExecutionNamespace(Condition):
    """Pass when the execution's namespace equals, starts with or ends with a value."""

    namespace: Text
    comparison: Property[Comparison] | None = Field(
        default=None, description="`EQUALS` when unset, or `PREFIX` when `prefix` is true."
    )
    prefix: Property[bool] = Field(
        default=False, description="Shortcut for `comparison: PREFIX`, read when it is unset."
    )

    def test(self, context: ConditionContext) -> bool:
        """The execution's namespace compares as asked with ``namespace`` (case-sensitive);
        false with no execution."""
        if context.state is None:
            return False
        if self.comparison is not None:
            comparison = Comparison(context.render(self.comparison))
        elif _rendered_bool(context.render(self.prefix)):
            comparison = Comparison.PREFIX
        else:
            comparison = Comparison.EQUALS
        expected = str(context.render(self.namespace))
        if comparison is Comparison.PREFIX:
            return context.namespace.startswith(expected)
        if comparison is Comparison.SUFFIX:
            return context.namespace.endswith(expected)
        return context.namespace == expected


def _rendered_bool(value: object) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() == "true"
