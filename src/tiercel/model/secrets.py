"""Secret values: how an encrypted one is written, and masking known ones in text and values.

A ``SECRET`` input is stored as Kestra stores it, a map ``{"type": ENCRYPTED_TYPE, "value":
<ciphertext>}``; whatever shows an execution shows that map as ``MASK``. The clear values
(decrypted inputs, ``secret()`` results) are masked in what tasks print and return, with the
forms a script most often turns them into (upper or lower case, base64, URL encoding, JSON
escaping).
"""

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "******"
"""What a secret value shows as."""

ENCRYPTED_TYPE = "io.kestra.datatype:aes_encrypted"
"""The ``type`` of an encrypted value's map, as Kestra names it."""

MIN_LENGTH = 4
"""Shorter values are not masked: masking every ``yes`` or ``42`` in the logs would hide
everything and protect nothing."""

_MIN_LINE = 8
"""A line of a multi-line secret (a PEM key) is masked alone from this length: scripts print
such a value line by line."""


def is_encrypted(value: Any) -> bool:
    """Whether ``value`` is an encrypted value's map."""
    return (
        isinstance(value, Mapping)
        and value.get("type") == ENCRYPTED_TYPE
        and isinstance(value.get("value"), str)
        and len(value) == 2
    )


def map_encrypted(value: Any, change: Callable[[Mapping[str, Any]], Any]) -> Any:
    """``value`` (a JSON-like tree) with each encrypted map replaced by ``change(map)``."""
    if is_encrypted(value):
        return change(value)
    if isinstance(value, Mapping):
        return {key: map_encrypted(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_encrypted(item, change) for item in value]
    return value


def masked_encrypted(value: Any) -> Any:
    """``value`` (a JSON-like tree) with each encrypted map shown as ``MASK``."""
    return map_encrypted(value, lambda _: MASK)


def variants(secret: str) -> set[str]:
    """The forms of ``secret`` that are masked: itself, its upper and lower case, base64
    (standard and URL-safe, with and without padding), URL encoding, JSON escaping, and each
    long enough line of a multi-line value."""
    if len(secret) < MIN_LENGTH:
        return set()
    raw = secret.encode("utf-8", errors="surrogatepass")
    forms = {secret, secret.upper(), secret.lower()}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode()
        forms |= {text, text.rstrip("=")}
    forms |= {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    forms |= {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    forms |= {line.strip() for line in secret.splitlines() if len(line.strip()) >= _MIN_LINE}
    return {form for form in forms if len(form) >= MIN_LENGTH}


class Masker:
    """Replaces known secret values, and their common forms, with ``MASK``.

    Args:
        secrets: The clear values to hide.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = frozenset(s for s in secrets if isinstance(s, str) and s)
        forms: set[str] = set()
        for secret in self._secrets:
            forms |= variants(secret)
        # Longest first: a value that contains another is masked whole.
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        self._forms = tuple(ordered)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @property
    def secrets(self) -> frozenset[str]:
        """The clear values this masker hides."""
        return self._secrets

    def __bool__(self) -> bool:
        return self._pattern is not None

    def with_secrets(self, more: Iterable[str]) -> "Masker":
        """A masker that also hides ``more``; this one when ``more`` adds nothing."""
        added = {s for s in more if isinstance(s, str) and s} - self._secrets
        return Masker(self._secrets | added) if added else self

    def mask(self, text: str) -> str:
        """``text`` with every known secret form replaced by ``MASK``."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def finds(self, text: str) -> bool:
        """Whether ``text`` holds a known secret form, where ``mask`` would change it."""
        # A substring test per form is ten times quicker than the alternation's search.
        return any(form in text for form in self._forms)

    def mask_value(self, value: Any) -> Any:
        """A JSON-like value with every string in it (map keys included) masked."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {self.mask_value(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return value
