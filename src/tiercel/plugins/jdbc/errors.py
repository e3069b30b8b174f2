"""A database's error as one readable line, with every secret masked."""

import re
from collections.abc import Iterable

MASK = "******"
_SPACES = re.compile(r"\s+")


def one_line(error: BaseException | str, secrets: Iterable[str | None] = ()) -> str:
    """The server's (or driver's) message of ``error`` on one line, without secrets.

    Line breaks and runs of spaces become one space, and each non-empty secret (a password,
    a token) is replaced by a mask wherever it appears.
    """
    text = str(error).strip() or type(error).__name__
    text = _SPACES.sub(" ", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text
