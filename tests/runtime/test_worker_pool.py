"""The worker pool: every job runs, on no more threads than asked, started only when needed."""

import threading
import time

from tiercel.runtime.worker import WorkerPool


def test_every_job_runs_on_at_most_the_threads_asked() -> None:
    names: list[str] = []
    lock = threading.Lock()

    def job(n: int) -> None:
        time.sleep(0.001)
        with lock:
            names.append(threading.current_thread().name)

    with WorkerPool(3) as pool:
        for n in range(200):
            pool.submit(job, n)
    assert len(names) == 200  # close() waited for all of them
    assert 1 < len(set(names)) <= 3


def test_one_job_at_a_time_needs_one_thread() -> None:
    names: list[str] = []
    done = threading.Event()

    def job() -> None:
        names.append(threading.current_thread().name)
        done.set()

    with WorkerPool(4) as pool:
        for _ in range(10):
            done.clear()
            pool.submit(job)
            done.wait(5)
            time.sleep(0.02)  # let the thread go back to waiting
    assert set(names) == {"tiercel-worker-0"}
