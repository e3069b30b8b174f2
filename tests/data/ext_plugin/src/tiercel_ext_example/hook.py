"""``com.example.trigger.Hook``: start an execution when its URL is called."""

from typing import Any

from tiercel.sdk import Trigger, plugin


@plugin("com.example.trigger.Hook")
class Hook(Trigger):
    """A webhook with fixed behaviour: the body is read, the call answered at once."""

    key: str
    inputs: dict[str, Any] | None = None

    @property
    def fetch_type(self) -> str:
        """Always ``FETCH``: the body is ``trigger.body``."""
        return "FETCH"

    @property
    def wait(self) -> bool:
        """Never waits for the execution."""
        return False

    @property
    def return_outputs(self) -> bool:
        """Answers with the execution, not its outputs."""
        return False

    @property
    def response_content_type(self) -> str | None:
        """JSON."""
        return None
