"""Provider errors as one line a user can act on, with no secret in it."""

import re
from collections.abc import Iterable

from tiercel.sdk import TaskFailure
from tiercel.sdk.credentials import one_line

SHORTEST_SECRET = 4
"""Shorter credentials are not masked: hiding every ``a`` of a message hides nothing."""


_XML_ERROR = re.compile(
    r"<\?xml.*?<Code>(?P<code>[^<]*)</Code>\s*<Message>(?P<message>[^<]*)</Message>.*", re.S
)
"""An error body the SDK could not parse (an XML answer to a JSON API), kept whole in its
message: its code and message say all of it."""


def failure(action: str, exc: BaseException, secrets: Iterable[str | None] = ()) -> TaskFailure:
    """A ``TaskFailure`` saying what failed and the provider's own message."""
    text = _XML_ERROR.sub(r"\g<code>: \g<message>", str(exc) or type(exc).__name__)
    detail = one_line(text, secrets, shortest=SHORTEST_SECRET)
    return TaskFailure(f"{action}: {detail}")
