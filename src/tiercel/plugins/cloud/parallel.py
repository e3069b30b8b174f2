"""Many small transfers at once: one object at a time spends its time waiting on round trips."""

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def each(items: Sequence[T], work: Callable[[T], R], workers: int) -> list[R]:
    """``work(item)`` for every item on up to ``workers`` threads; the results in order.

    At most twice ``workers`` items are queued at a time, so ten thousand objects do not make
    ten thousand pending futures at once. The first failure (in the items' order) is raised
    once the transfers already running end; those not started are cancelled or never begun.
    """
    if workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    results: list[R] = []
    pending: deque[Future[R]] = deque()
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= 2 * workers:
                    results.append(pending.popleft().result())
            while pending:
                results.append(pending.popleft().result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return results
