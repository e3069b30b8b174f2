"""Kestra's automatic retry of BigQuery jobs (``retryAuto``, ``retryReasons``,
``retryMessages``): a job failing for a transient reason is started again (not a plugin)."""

import random
import time
from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, KestraModel, LogLevel, Property

T = TypeVar("T")

RETRY_REASONS = [
    "rateLimitExceeded",
    "jobBackendError",
    "backendError",
    "internalError",
    "jobInternalError",
]
RETRY_MESSAGES = [
    "due to concurrent update",
    "Retrying the job may solve the problem",
    "Retrying may solve the problem",
]


class RetryType(StrEnum):
    """How the wait between two attempts is chosen."""

    CONSTANT = "constant"
    EXPONENTIAL = "exponential"
    RANDOM = "random"


class RetryAuto(KestraModel):
    """A retry policy, as a task's ``retry`` is written."""

    type: RetryType = Field(description="constant, exponential or random.")
    interval: Duration | None = Field(
        default=None, description="The wait (constant) or the first wait (exponential)."
    )
    min_interval: Duration | None = Field(default=None, description="random: the shortest.")
    max_interval: Duration | None = Field(
        default=None, description="exponential and random: the longest wait."
    )
    delay_factor: float | None = Field(
        default=None, description="exponential: what each wait is multiplied by (2)."
    )
    max_attempts: int | None = Field(default=None, ge=1, description="Attempts in all.")
    max_attempt: int | None = Field(
        default=None, ge=1, description="Kestra's older name of `maxAttempts`."
    )
    max_duration: Duration | None = Field(
        default=None, description="Stop retrying once this long has passed since the start."
    )
    warning_on_retry: bool = Field(default=False, description="Accepted for compatibility.")

    def wait(self, attempt: int) -> timedelta:
        """The wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if self.type is RetryType.CONSTANT:
            return self.interval or timedelta(0)
        if self.type is RetryType.RANDOM:
            low = (self.min_interval or timedelta(0)).total_seconds()
            high = max(low, (self.max_interval or timedelta(0)).total_seconds())
            return timedelta(seconds=random.uniform(low, high))
        first = (self.interval or timedelta(0)).total_seconds()
        wait = first * (self.delay_factor or 2.0) ** (attempt - 1)
        if self.max_interval is not None:
            wait = min(wait, self.max_interval.total_seconds())
        return timedelta(seconds=wait)

    @property
    def attempts(self) -> int | None:
        """The most attempts, None for no limit."""
        return self.max_attempts or self.max_attempt


DEFAULT_RETRY = RetryAuto.model_validate(
    {
        "type": "exponential",
        "interval": "PT5S",
        "maxInterval": "PT60M",
        "maxDuration": "PT15M",
        "maxAttempts": 10,
    }
)
"""Kestra's policy when ``retryAuto`` is unset."""


class AutoRetried(KestraModel):
    """The retry properties of Kestra's ``AbstractBigquery``."""

    retry_auto: RetryAuto | None = Field(
        default=None,
        description="The policy for retryable job errors (by default exponential from 5 s, "
        "at most 10 attempts within 15 minutes).",
    )
    retry_reasons: Property[list[str]] = Field(
        default_factory=lambda: list(RETRY_REASONS),
        description="BigQuery error reasons that start the job again.",
    )
    retry_messages: Property[list[str]] = Field(
        default_factory=lambda: list(RETRY_MESSAGES),
        description="Substrings of an error message (any case) that start the job again.",
    )

    def retried(self, env: Env, errors: tuple[type[BaseException], ...], run: Callable[[], T]) -> T:
        """``run()``, run again while it fails with a retryable error and the policy allows.

        The last error is raised as it is once no attempt is left.
        """
        policy = self.retry_auto or DEFAULT_RETRY
        reasons = set(env.value(self.retry_reasons, list[str]))
        messages = [text.lower() for text in env.value(self.retry_messages, list[str])]
        started = time.monotonic()
        attempt = 1
        while True:
            try:
                return run()
            except errors as exc:
                if not _retryable(exc, reasons, messages):
                    raise
                wait = policy.wait(attempt).total_seconds()
                limit = policy.attempts
                elapsed = time.monotonic() - started + wait
                over = policy.max_duration is not None and (
                    elapsed > policy.max_duration.total_seconds()
                )
                if (limit is not None and attempt >= limit) or over:
                    raise
                env.log(
                    LogLevel.WARN,
                    f"BigQuery job failed with a retryable error, attempt {attempt} "
                    f"(retrying in {wait:g} s): {' '.join(str(exc).split())[:300]}",
                )
                time.sleep(wait)
                attempt += 1


def _retryable(exc: BaseException, reasons: set[str], messages: list[str]) -> bool:
    found: list[Any] = list(getattr(exc, "errors", None) or [])
    if any(isinstance(error, dict) and error.get("reason") in reasons for error in found):
        return True
    text = str(exc).lower()
    return any(message in text for message in messages)
