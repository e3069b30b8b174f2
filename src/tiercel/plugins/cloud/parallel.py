"""Many small transfers at once: one object at a time spends its time waiting on round trips."""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def each(items: Sequence[T], work: Callable[[T], R], workers: int) -> list[R]:
    """``work(item)`` for every item on up to ``workers`` threads; the results in order.

    The first failure (in the items' order) is raised once the transfers already running
    end; those not started are cancelled.
    """
    if workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise
