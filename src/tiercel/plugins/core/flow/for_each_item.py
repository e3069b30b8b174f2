"""``io.kestra.plugin.core.flow.ForEachItem``: one subflow execution per batch of a file."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from tiercel.plugins.core.flow.batch import Batch
from tiercel.plugins.core.flow.for_each_item_parts import (
    ForEachItemItems,
    ForEachItemMerge,
    ForEachItemSplit,
)
from tiercel.plugins.core.flow.subflow import RestartBehavior
from tiercel.sdk import (
    FlowableTask,
    Plan,
    Property,
    Scope,
    Task,
    Text,
    UserLabels,
    plugin,
    run_branches,
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

    def internal_tasks(self) -> list[Task]:
        """The split, items and merge steps, with Kestra's ids."""
        split_id, items_id = f"{self.id}_split", f"{self.id}_items"
        kind = "io.kestra.plugin.core.flow.ForEachItem$ForEachItem"
        return [
            ForEachItemSplit.model_construct(
                id=split_id, type=kind + "Split", items=self.items, batch=self.batch
            ),
            ForEachItemItems.model_construct(
                id=items_id,
                type=kind + "Executable",
                split_id=split_id,
                namespace=self.namespace,
                flow_id=self.flow_id,
                revision=self.revision,
                inputs=self.inputs,
                labels=self.labels,
                wait=self.wait,
                transmit_failed=self.transmit_failed,
                inherit_labels=self.inherit_labels,
            ),
            ForEachItemMerge.model_construct(
                id=f"{self.id}_merge", type=kind + "MergeOutputs", items_id=items_id
            ),
        ]

    def plan(self, scope: Scope) -> Plan:
        """Split, start the batches' executions, merge their outputs: one after the other."""
        return run_branches(scope, self.branches(self.internal_tasks()))

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``numberOfBatches`` and ``iterations`` (executions by state) of the items step."""
        items = scope.child(f"{self.id}_items")
        found = (items.outputs or {}) if items is not None else {}
        merged = scope.child(f"{self.id}_merge")
        result = {k: v for k, v in found.items() if k != "childOutputs"}
        if merged is not None and merged.outputs:
            result["uri"] = merged.outputs.get("subflowOutputs")
        return result
