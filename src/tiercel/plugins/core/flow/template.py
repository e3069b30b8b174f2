"""``io.kestra.plugin.core.flow.Template``: include the tasks of a stored template (deprecated)."""

from dataclasses import replace
from typing import Any

from pydantic import Field

from tiercel.sdk import Branches, Plan, Scope, TemplateTask, Text, plugin, run_branches
from tiercel.sdk.task import enabled


@plugin(
    "io.kestra.plugin.core.flow.Template",
    aliases=["io.kestra.core.tasks.flows.Template"],
    deprecated=True,
)
class Template(TemplateTask):
    """Run the tasks of a stored template in place (deprecated: use Subflow)."""

    namespace: Text = Field(description="Namespace of the template.")
    template_id: Text = Field(description="Id of the template.")
    args: dict[str, Text] | None = Field(
        default=None, description="Values passed to the template as ``parent.outputs.args``."
    )

    def template_key(self) -> tuple[str, str]:
        """The template this task includes."""
        return self.namespace, self.template_id

    def plan(self, scope: Scope) -> Plan:
        """The template's tasks one after the other, then its ``errors`` if one failed.

        The rendered ``args`` are the run's outputs from its start, so that the template's
        tasks read them as ``parent.outputs.args``.
        """
        if self.included is None:
            raise ValueError(f"Can't find flow template '{self.namespace}.{self.template_id}'")
        tasks, errors = self.included
        branches = Branches(
            enabled(tasks), enabled([*errors, *(self.errors or [])]), enabled(self.finally_ or [])
        )
        plan = run_branches(scope, branches)
        outputs = self.outputs(scope)
        return plan if outputs is None else replace(plan, outputs=outputs)

    def outputs(self, scope: Scope) -> dict[str, Any] | None:
        """``args``, rendered."""
        return None if self.args is None else {"args": scope.render(self.args)}
