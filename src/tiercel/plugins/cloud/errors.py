"""Provider errors as one line a user can act on, with no secret in it."""

from collections.abc import Iterable

from tiercel.sdk import TaskFailure
from tiercel.sdk.credentials import one_line

SHORTEST_SECRET = 4
"""Shorter credentials are not masked: hiding every ``a`` of a message hides nothing."""


def failure(action: str, exc: BaseException, secrets: Iterable[str | None] = ()) -> TaskFailure:
    """A ``TaskFailure`` saying what failed and the provider's own message."""
    detail = one_line(str(exc) or type(exc).__name__, secrets, shortest=SHORTEST_SECRET)
    return TaskFailure(f"{action}: {detail}")
