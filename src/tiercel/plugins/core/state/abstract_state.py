"""The properties the deprecated ``state`` tasks share (not a plugin)."""

from pydantic import Field

from tiercel.sdk import Property, RunnableTask, Text


class AbstractState(RunnableTask):
    """A state file of the flow, optionally shared by the namespace."""

    name: Text = Field(default="default", description="The name of the state file.")
    namespace: Property[bool] = Field(
        default=False, description="Share the state with every flow of the namespace."
    )
    taskrun_value: Property[bool] = Field(
        default=True, description="Keep a separate state per `taskrun.value` in loops."
    )
