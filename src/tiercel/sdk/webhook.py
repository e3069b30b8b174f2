"""The contract of webhook triggers: triggers an HTTP call starts.

The API serves ``/executions/webhook/{namespace}/{flowId}/{key}`` for every trigger that fits
``WebhookTrigger``, whatever its class: it finds the trigger of the flow whose rendered ``key``
is the one called, tests its conditions on the request, and starts an execution whose
``trigger.*`` variables are the request (``headers``, ``parameters`` and, by ``fetch_type``,
``body``).
"""

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

WEBHOOK_FETCH = "FETCH"
"""``fetch_type`` value: the body becomes ``trigger.body`` (JSON when it parses, else text)."""
WEBHOOK_STORE = "STORE"
"""``fetch_type`` value: the body is stored with the execution, not put in its variables."""
WEBHOOK_NONE = "NONE"
"""``fetch_type`` value: the body is dropped."""


@runtime_checkable
class WebhookTrigger(Protocol):
    """A trigger the API fires when its URL is called."""

    @property
    def key(self) -> str:
        """The secret last part of the URL; an expression is rendered (a ``secret()``)."""
        ...

    @property
    def inputs(self) -> Mapping[str, Any] | None:
        """The execution's inputs, rendered with ``trigger.*`` of the request."""
        ...

    @property
    def fetch_type(self) -> str:
        """``FETCH``, ``STORE`` or ``NONE``: what becomes of the request body."""
        ...

    @property
    def wait(self) -> bool:
        """Answer only once the execution has ended."""
        ...

    @property
    def return_outputs(self) -> bool:
        """Answer with the flow's outputs (with ``wait``)."""
        ...

    @property
    def response_content_type(self) -> str | None:
        """``text/plain`` to answer the outputs as text; JSON otherwise."""
        ...
