"""``ToolProvider``: what a chat task's ``tools:`` entries are. Each gives the model one or
more tools for the length of a task run."""

from collections.abc import Callable
from dataclasses import dataclass, field

from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.sdk import KestraModel, RunContext


@dataclass(slots=True)
class OpenTools:
    """The tools a provider opened for a task run, and how to release what they hold."""

    tools: list[AgentTool]
    close: Callable[[], None] = field(default=lambda: None)


class ToolProvider(KestraModel):
    """A tool provider, chosen by ``type``."""

    type: str

    def open(self, ctx: RunContext) -> OpenTools:
        """The tools, ready to run (a server started, a flow looked up...).

        Raises:
            TaskFailure: the provider is misconfigured or what it needs cannot be reached.
        """
        raise NotImplementedError
