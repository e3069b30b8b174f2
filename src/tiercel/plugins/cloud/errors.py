"""Provider errors as one line a user can act on, with no secret in it."""

from collections.abc import Iterable

from tiercel.sdk import TaskFailure

MASK = "******"


def one_line(message: str, secrets: Iterable[str | None] = ()) -> str:
    """``message`` on one line, every secret in it replaced by a mask."""
    text = " ".join(str(message).split())
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


def failure(action: str, exc: BaseException, secrets: Iterable[str | None] = ()) -> TaskFailure:
    """A ``TaskFailure`` saying what failed and the provider's own message."""
    detail = one_line(str(exc) or type(exc).__name__, secrets)
    return TaskFailure(f"{action}: {detail}")
