"""``io.kestra.plugin.core.storage.FilterItems``: keep or drop the items of a file."""

from enum import StrEnum

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text, plugin


class FilterType(StrEnum):
    """What happens to the items the condition matches."""

    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class ErrorOrNullBehavior(StrEnum):
    """What happens when the condition fails or renders null."""

    FAIL = "FAIL"
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


@plugin(
    "io.kestra.plugin.core.storage.FilterItems",
    aliases=["io.kestra.core.tasks.storages.FilterItems"],
)
class FilterItems(RunnableTask):
    """Keep (or drop) the items of an ION file for which an expression is truthy."""

    from_: Text = Field(alias="from", description="A `kestra://` URI of an ION file.")
    filter_condition: Text = Field(
        description="Rendered per item, whose fields are variables; must render a boolean."
    )
    filter_type: Property[FilterType] = FilterType.INCLUDE
    error_or_null_behavior: Property[ErrorOrNullBehavior] = ErrorOrNullBehavior.FAIL
