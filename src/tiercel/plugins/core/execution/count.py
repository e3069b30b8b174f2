"""``io.kestra.plugin.core.execution.Count``: count executions of flows over a period."""

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError

from tiercel.sdk import (
    KestraModel,
    Output,
    Property,
    RunContext,
    RunnableTask,
    State,
    TaskFailure,
    Text,
    is_truthy,
    plugin,
)


class FlowRef(KestraModel):
    """A flow, by namespace and id."""

    namespace: str
    flow_id: str


class CountOutput(Output):
    """What ``Count`` outputs."""

    results: list[dict[str, Any]] = Field(
        description="The count of each flow (`namespace`, `flowId`, `count`)."
    )
    total: int = Field(description="The sum of the counts.")


@plugin(
    "io.kestra.plugin.core.execution.Count",
    aliases=["io.kestra.core.tasks.executions.Counts"],
    deprecated=True,
)
class Count(RunnableTask[CountOutput]):
    """Count executions per flow in a date range and keep the rows an expression accepts."""

    flows: list[FlowRef] | None = Field(
        default=None, description="Flows to count; ``namespaces`` is needed when unset."
    )
    states: Property[list[State]] | None = Field(
        default=None, description="Only executions in these states."
    )
    start_date: Text = Field(description="Start of the period.")
    end_date: Text | None = Field(default=None, description="End of the period; now when unset.")
    expression: Text = Field(
        description="Rendered per flow with ``count`` set; rows rendering 'true' are kept."
    )
    namespaces: Property[list[str]] | None = Field(
        default=None, description="Namespaces to count (Kestra 1.x)."
    )

    def run(self, ctx: RunContext) -> CountOutput:
        """``results``: the flows whose count the expression accepts; ``total``: their sum."""
        start = instant(ctx.render(self.start_date))
        end = instant(ctx.render(self.end_date)) if self.end_date is not None else None
        states = [State(s) for s in ctx.render(self.states)] if self.states is not None else None
        targets: list[tuple[str, str | None]]
        if self.flows:
            targets = [
                (str(ctx.render(f.namespace)), str(ctx.render(f.flow_id))) for f in self.flows
            ]
        elif self.namespaces is not None:
            targets = [(str(ns), None) for ns in ctx.render(self.namespaces)]
        else:
            raise TaskFailure("`flows` or `namespaces` must be set")
        queries = ctx.executions()
        results = []
        for namespace, flow_id in targets:
            count = queries.count(namespace, flow_id, states, start, end)
            if is_truthy(ctx.render(self.expression, {"count": count})):
                results.append({"namespace": namespace, "flowId": flow_id, "count": count})
        return CountOutput(results=results, total=sum(r["count"] for r in results))


_INSTANT: TypeAdapter[datetime] = TypeAdapter(datetime)


def instant(value: Any) -> datetime:
    """A rendered date and time as an aware datetime (UTC when the text has no offset)."""
    try:
        moment = _INSTANT.validate_python(value)
    except ValidationError:
        raise TaskFailure(f"not a date and time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
