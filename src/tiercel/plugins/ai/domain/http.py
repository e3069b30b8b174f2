"""One HTTP client for every model vendor: JSON in and out, retries with backoff when the
vendor says it is busy (429, 503), and failures as one line with no credential in it."""

import json
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from tiercel.sdk import TaskFailure
from tiercel.sdk.credentials import one_line

RETRIED_STATUSES = frozenset({429, 502, 503, 504})
"""Rate limited or briefly unavailable: worth another try after a pause."""
MAX_ATTEMPTS = 4
FIRST_BACKOFF = 1.0
LONGEST_BACKOFF = 30.0
LONGEST_DETAIL = 400
"""A vendor's error body can be a whole HTML page: keep the start of it."""


@dataclass(frozen=True, slots=True)
class ApiClient:
    """Where a vendor's API is and how to authenticate to it.

    Args:
        vendor: the provider's name, for messages (``Google Gemini``).
        base_url: the API root; paths are joined to it.
        headers: sent with every request (the key goes here or in ``params``).
        timeout: for connecting and for the whole answer.
        secrets: values masked in every message (API keys).
        sleep: waits between attempts; the task's, so that a kill stops the wait.
        params: query parameters sent with every request.
        tls: a TLS context with a client certificate or private CAs, if any.
    """

    vendor: str
    base_url: str
    headers: Mapping[str, str] = field(repr=False)
    timeout: timedelta
    secrets: tuple[str | None, ...] = field(repr=False, default=())
    sleep: Callable[[float], None] = field(repr=False, default=lambda seconds: None)
    params: Mapping[str, str] = field(repr=False, default_factory=dict)
    tls: ssl.SSLContext | None = field(repr=False, default=None)

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``body`` as JSON to ``path``; the JSON answer.

        Raises:
            TaskFailure: the endpoint cannot be reached, answers an error (after the retries
                for 429 and 503), or answers something that is not a JSON object.
        """
        return self._request("POST", path, body, {})

    def get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        """GET ``path`` with query parameters; the JSON answer.

        Raises:
            TaskFailure: as ``post``.
        """
        return self._request("GET", path, None, params)

    def _request(
        self, method: str, path: str, body: Mapping[str, Any] | None, params: Mapping[str, str]
    ) -> dict[str, Any]:
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        seconds = self.timeout.total_seconds()
        backoff = FIRST_BACKOFF
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with httpx.Client(
                    timeout=httpx.Timeout(seconds), verify=self.tls or True, follow_redirects=False
                ) as http:
                    response = http.request(
                        method,
                        url,
                        json=body,
                        headers=self.headers,
                        params={**self.params, **params},
                    )
            except httpx.TimeoutException:
                raise self.failure(
                    f"no answer from {self.vendor} at {url} within {seconds:g}s"
                ) from None
            except httpx.HTTPError as exc:
                raise self.failure(f"unable to reach {self.vendor} at {url}: {exc}") from None
            if response.status_code in RETRIED_STATUSES and attempt < MAX_ATTEMPTS:
                self.sleep(_pause(response, backoff))
                backoff = min(backoff * 2, LONGEST_BACKOFF)
                continue
            return self._answer(response)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code >= 400:
            detail = vendor_message(payload) or response.text or response.reason_phrase
            raise self.failure(
                f"{self.vendor} answered HTTP {response.status_code}: {detail[:LONGEST_DETAIL]}"
            )
        if not isinstance(payload, dict):
            raise self.failure(f"{self.vendor} answered something else than a JSON object")
        return payload

    def failure(self, message: str) -> TaskFailure:
        """A one-line failure with the secrets masked."""
        return TaskFailure(one_line(message, self.secrets, shortest=4))


def _pause(response: httpx.Response, backoff: float) -> float:
    """The vendor's ``Retry-After`` when it gives seconds, else the exponential backoff."""
    header = response.headers.get("retry-after", "")
    try:
        return min(max(float(header), 0.0), LONGEST_BACKOFF)
    except ValueError:
        return backoff


def vendor_message(payload: Any) -> str | None:
    """The human part of a vendor's error body, whatever its shape: OpenAI, Gemini, Anthropic
    and Azure nest it under ``error.message``, Ollama gives ``error`` as text, Mistral and
    FastAPI servers ``message`` or ``detail``."""
    if isinstance(payload, list) and payload:
        return vendor_message(payload[0])
    if not isinstance(payload, dict):
        return None
    error = payload.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        if isinstance(message, str) and message:
            status = error.get("status") or error.get("type") or error.get("code")
            return f"{message} ({status})" if isinstance(status, str) and status else message
    if isinstance(error, str) and error:
        return error
    for key in ("message", "detail"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and isinstance(value.get("error"), str):
            return str(value["error"])  # Tavily: {"detail": {"error": "..."}}
        if value:
            return json.dumps(value)
    return None


def joined(parts: Iterable[str | None]) -> str:
    """Text parts of an answer, joined as the vendor meant them."""
    return "".join(part for part in parts if part)
