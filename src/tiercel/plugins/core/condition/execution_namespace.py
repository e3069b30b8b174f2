"""``io.kestra.plugin.core.condition.ExecutionNamespace``: match the upstream run's namespace."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Condition, Property, Text, plugin


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
