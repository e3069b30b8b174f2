"""``io.kestra.plugin.core.flow.Subflow``: start an execution of another flow."""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from tiercel.sdk import (
    Label,
    Property,
    SubflowCall,
    SubflowTask,
    Text,
    UserLabels,
    is_truthy,
    plugin,
)


class RestartBehavior(StrEnum):
    """What restarting the parent does to a subflow execution that failed."""

    RETRY_FAILED = "RETRY_FAILED"
    NEW_EXECUTION = "NEW_EXECUTION"


@plugin(
    "io.kestra.plugin.core.flow.Subflow",
    aliases=["io.kestra.core.tasks.flows.Subflow", "io.kestra.core.tasks.flows.Flow"],
)
class Subflow(SubflowTask):
    """Start an execution of another flow, and by default wait for it to end."""

    namespace: Annotated[Text, Field(min_length=1)] = Field(
        description="Namespace of the flow to start."
    )
    flow_id: Text = Field(description="Id of the flow to start.")
    revision: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Revision to run; the latest when unset."
    )
    inputs: dict[str, Any] | None = Field(
        default=None, description="Inputs of the child execution, each rendered."
    )
    labels: UserLabels | None = Field(default=None, description="Labels of the child execution.")
    wait: bool = Field(default=True, description="Wait for the child execution to end.")
    transmit_failed: bool = Field(
        default=True,
        description="Fail this task when the child fails or is killed (only with ``wait``).",
    )
    inherit_labels: Property[bool] = Field(
        default=False, description="Copy this execution's labels onto the child execution."
    )
    schedule_date: Property[datetime] | None = Field(
        default=None, description="Start the child execution at this date instead of now."
    )
    outputs: dict[str, Any] | None = Field(
        default=None,
        description="Deprecated since Kestra 0.15: values read from the child execution.",
    )
    restart_behavior: RestartBehavior = Field(
        default=RestartBehavior.RETRY_FAILED,
        description="Whether a restart retries the failed child or creates a new one.",
    )

    def called_flow(self) -> tuple[str, str] | None:
        """The namespace and id of the flow this task starts."""
        return self.namespace, self.flow_id

    def subflow_call(self, render: Callable[[Any], Any]) -> SubflowCall:
        """The child execution: rendered inputs and labels, and how to wait for it."""
        labels = [
            Label.model_construct(key=x.key, value=str(render(x.value))) for x in self.labels or []
        ]
        return SubflowCall(
            namespace=str(render(self.namespace)),
            flow_id=str(render(self.flow_id)),
            inputs=render(self.inputs or {}),
            labels=labels,
            revision=self.revision,
            wait=self.wait,
            transmit_failed=self.transmit_failed,
            inherit_labels=is_truthy(render(self.inherit_labels)),
            legacy_outputs=self.outputs,
        )
