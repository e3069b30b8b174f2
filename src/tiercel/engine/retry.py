"""When a failed attempt is tried again, and after how long (Kestra's retry policies)."""

import hashlib
from datetime import datetime, timedelta

from tiercel.model.execution import TaskRun
from tiercel.model.task import ConstantRetry, ExponentialRetry, RandomRetry

RetryPolicy = ConstantRetry | ExponentialRetry | RandomRetry


def next_delay(policy: RetryPolicy, run: TaskRun, now: datetime) -> timedelta | None:
    """The wait before the next attempt of ``run``, or None when the policy is spent."""
    return delay_after(policy, len(run.attempts), run.state.start_date, now, run.id)


def delay_after(
    policy: RetryPolicy, made: int, started: datetime, now: datetime, seed: str
) -> timedelta | None:
    """The wait before attempt ``made + 1``, or None when the policy is spent.

    ``maxAttempt`` counts every attempt, the first included; ``maxDuration`` bounds the time
    from the first attempt (``started``) to the start of the next one. ``seed`` spreads random
    delays reproducibly.
    """
    if policy.max_attempt is not None and made >= policy.max_attempt:
        return None
    if isinstance(policy, ConstantRetry):
        delay = policy.interval
    elif isinstance(policy, ExponentialRetry):
        factor = policy.delay_factor if policy.delay_factor is not None else 2.0
        delay = min(policy.interval * factor ** (made - 1), policy.max_interval)
    else:
        delay = _pseudo_random(policy, seed, made)
    if policy.max_duration is not None and now + delay - started > policy.max_duration:
        return None
    return delay


def _pseudo_random(policy: RandomRetry, seed: str, attempt: int) -> timedelta:
    # The engine reads no random source: a hash of the run and attempt spreads the delays
    # uniformly and gives the same answer when an event is replayed.
    digest = hashlib.sha256(f"{seed}:{attempt}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return policy.min_interval + (policy.max_interval - policy.min_interval) * fraction
