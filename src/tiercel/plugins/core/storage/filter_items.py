"""``io.kestra.plugin.core.storage.FilterItems``: keep or drop the items of a file."""

from enum import StrEnum

from pydantic import Field

from tiercel.plugins.core.storage.files import new_file, read_lines, render_for_item, upload
from tiercel.sdk import (
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    is_truthy,
    plugin,
)


class FilterType(StrEnum):
    """What happens to the items the condition matches."""

    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class ErrorOrNullBehavior(StrEnum):
    """What happens when the condition fails or renders null."""

    FAIL = "FAIL"
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class FilterItemsOutput(Output):
    """What ``FilterItems`` outputs."""

    uri: str = Field(description="The `kestra://` URI of the file of the items kept.")
    processed_items_total: int = Field(description="How many items were read.")
    dropped_items_total: int = Field(description="How many items were dropped.")


@plugin(
    "io.kestra.plugin.core.storage.FilterItems",
    aliases=["io.kestra.core.tasks.storages.FilterItems"],
)
class FilterItems(RunnableTask[FilterItemsOutput]):
    """Keep (or drop) the items of an ION file for which an expression is truthy."""

    from_: Text = Field(alias="from", description="A `kestra://` URI of an ION file.")
    filter_condition: Text = Field(
        description="Rendered per item, whose fields are variables; must render a boolean."
    )
    filter_type: Property[FilterType] = FilterType.INCLUDE
    error_or_null_behavior: Property[ErrorOrNullBehavior] = ErrorOrNullBehavior.FAIL

    def run(self, ctx: RunContext) -> FilterItemsOutput:
        """``uri``: the items kept, as they were written; ``processedItemsTotal`` and
        ``droppedItemsTotal``: the counts.

        The condition is true unless it renders ``false``, ``0``, ``-0`` or nothing (spaces
        around are ignored). When it cannot be rendered for an item (a missing field...),
        ``errorOrNullBehavior`` decides: fail the task, or include or exclude the item.
        """
        uri = str(ctx.render(self.from_))
        filter_type = ctx.render_as(self.filter_type, FilterType)
        on_error = ctx.render_as(self.error_or_null_behavior, ErrorOrNullBehavior)
        path = new_file(ctx, ".ion")
        processed = dropped = 0
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for number, line in enumerate(read_lines(ctx, uri), start=1):
                processed += 1
                if self._keep(ctx, line, number, filter_type, on_error):
                    out.write(line + "\n")
                else:
                    dropped += 1
        return FilterItemsOutput(
            uri=upload(ctx, path),
            processed_items_total=processed,
            dropped_items_total=dropped,
        )

    def _keep(
        self,
        ctx: RunContext,
        line: str,
        number: int,
        filter_type: FilterType,
        on_error: ErrorOrNullBehavior,
    ) -> bool:
        try:
            rendered = render_for_item(ctx, self.filter_condition, line, number)
        except TaskFailure:
            raise  # not an Ion struct: Kestra fails whatever the behaviour
        except Exception as exc:  # the expression's own error, whatever its type
            if on_error is ErrorOrNullBehavior.FAIL:
                raise TaskFailure(
                    f"Expression `{self.filter_condition}` failed on item `{line}`: {exc}"
                ) from exc
            return on_error is ErrorOrNullBehavior.INCLUDE
        matched = is_truthy(rendered.strip())
        return matched == (filter_type is FilterType.INCLUDE)
