"""``io.kestra.plugin.core.flow.ForEachItem``: one subflow execution per batch of a file."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from tiercel.plugins.core.flow.subflow import RestartBehavior
from tiercel.sdk import FlowableTask, KestraModel, Property, Text, UserLabels, plugin


class Batch(KestraModel):
    """How the items file is cut into batches: by rows, by size or into a number of parts."""

    rows: Property[int] | None = Field(default=1, description="Lines per batch.")
    bytes: Text | None = Field(default=None, description="Size per batch, such as ``10MB``.")
    partitions: Property[int] | None = Field(default=None, description="Number of batches.")
    separator: Text = Field(default="\n", description="What ends one item.")
    regex_pattern: Text | None = Field(
        default=None, description="Group lines whose match of this pattern is equal (1.x)."
    )


@plugin(
    "io.kestra.plugin.core.flow.ForEachItem", aliases=["io.kestra.core.tasks.flows.ForEachItem"]
)
class ForEachItem(FlowableTask):
    """Split a stored file into batches and start one subflow execution for each."""

    items: Annotated[Text, Field(min_length=1)] = Field(
        description="The ``kestra://`` URI of a file with one item per line."
    )
    batch: Batch = Field(default_factory=Batch, description="How to split the items.")
    namespace: Annotated[Text, Field(min_length=1)] = Field(
        description="Namespace of the flow to start."
    )
    flow_id: Annotated[Text, Field(min_length=1)] = Field(description="Id of the flow to start.")
    revision: int | None = Field(default=None, description="Revision to run; the latest if unset.")
    inputs: dict[str, Any] | None = Field(
        default=None,
        description="Inputs of each child; ``{{ taskrun.items }}`` is the batch's file URI.",
    )
    labels: UserLabels | None = Field(default=None, description="Labels of the child executions.")
    wait: bool = Field(default=True, description="Wait for every child execution to end.")
    transmit_failed: bool = Field(
        default=True, description="Fail this task when a child fails or is killed."
    )
    inherit_labels: bool = Field(
        default=False, description="Copy this execution's labels onto the child executions."
    )
    schedule_date: Property[datetime] | None = Field(
        default=None, description="Start the child executions at this date instead of now."
    )
    restart_behavior: RestartBehavior = Field(
        default=RestartBehavior.RETRY_FAILED,
        description="Whether a restart retries failed children or creates new ones.",
    )

    def called_flow(self) -> tuple[str, str] | None:
        """The namespace and id of the flow each batch starts."""
        return self.namespace, self.flow_id
