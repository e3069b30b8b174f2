"""``cloud.parallel.each``: the transfers of Uploads/Downloads, several at once, in order."""

import threading

import pytest

from tiercel.plugins.cloud.parallel import each


def test_results_come_in_the_items_order_with_few_items_queued() -> None:
    lock = threading.Lock()
    started: list[int] = []
    running, most = [0], [0]

    def work(item: int) -> int:
        with lock:
            started.append(item)
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.001)
        with lock:
            running[0] -= 1
        return item * 2

    assert each(range(500), work, 4) == [item * 2 for item in range(500)]
    assert sorted(started) == list(range(500))
    assert most[0] <= 4


def test_the_first_failure_is_raised_and_later_items_never_start() -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            seen.append(item)
        if item == 3:
            raise ValueError("object 3 failed")
        return item

    with pytest.raises(ValueError, match="object 3 failed"):
        each(range(10_000), work, 4)
    # At most twice the workers are queued ahead of the failing item: the rest never begin.
    assert max(seen) < 3 + 2 * 4 + 4
