"""Keeping credentials out of what a user sees: a provider's error on one line with every
secret masked, and a connection URL with its password hidden."""

import re
import urllib.parse
from collections.abc import Iterable

MASK = "******"
"""What a hidden secret is shown as, as Kestra shows it."""

_SPACES = re.compile(r"\s+")


def one_line(
    error: BaseException | str, secrets: Iterable[str | None] = (), *, shortest: int = 1
) -> str:
    """The message of ``error`` on one line, every secret in it masked.

    Line breaks and runs of spaces become one space; each secret of at least ``shortest``
    characters (a password, a token) is replaced by ``MASK`` wherever it appears. An error
    with no message is named by its class.
    """
    text = str(error).strip() or type(error).__name__
    text = _SPACES.sub(" ", text)
    for secret in secrets:
        if secret and len(secret) >= shortest:
            text = text.replace(secret, MASK)
    return text


def masked_url(url: str) -> str:
    """``url`` with the password of its user part hidden; all of it hidden when it cannot be
    read as a URL (it may be a secret written in the wrong field)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:{MASK}@{host}" + (f":{port}" if port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
