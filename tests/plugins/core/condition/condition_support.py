"""A condition context built by hand, and conditions parsed as a flow's YAML gives them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from tiercel.expr import render_value
from tiercel.registry import default_registry
from tiercel.sdk import AnyCondition, Condition, State

_CONDITION: TypeAdapter[Condition] = TypeAdapter(AnyCondition)


@dataclass(frozen=True)
class Context:
    """A ``ConditionContext``: an execution (``state`` set) or none, and the variables."""

    state: State | None = State.SUCCESS
    namespace: str = "company.team"
    flow_id: str = "upstream"
    variables: Mapping[str, Any] = field(default_factory=dict)

    def render(self, value: Any) -> Any:
        return render_value(value, self.variables)


def at(date: str) -> Context:
    """The context of a schedule firing at ``date`` (no execution)."""
    return Context(state=None, variables={"trigger": {"date": date}})


def execution(**info: Any) -> Context:
    """A SUCCESS execution of company.team/upstream with ``execution.*`` set to ``info``."""
    outputs = info.get("outputs")
    variables: dict[str, Any] = {"execution": info}
    if outputs is not None:
        variables["trigger"] = {"outputs": outputs}
    return Context(variables=variables)


def condition(data: Mapping[str, Any]) -> Condition:
    """A condition as a trigger's ``conditions`` list holds it."""
    return _CONDITION.validate_python(dict(data), context=default_registry().context())


def check(data: Mapping[str, Any], context: Context) -> bool:
    return condition(data).test(context)
