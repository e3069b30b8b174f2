"""The work queue shared by executors and workers, on SQLite and PostgreSQL."""

import threading
from datetime import UTC, datetime, timedelta

from tiercel.storage import Database, SqlWorkQueue
from tiercel.storage.work import Job, WorkerRecord

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def job(n: int, execution_id: str = "e1") -> Job:
    return Job(f"run{n}", execution_id, f"payload {n}".encode(), T0 + timedelta(seconds=n))


def worker(worker_id: str, at: datetime) -> WorkerRecord:
    return WorkerRecord(worker_id, "host", 1, 4, T0, at)


def test_jobs_are_claimed_oldest_first_and_once(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(3), job(1), job(2)])
    first = queue.claim("w1", 2, now=T0, lease=LEASE)
    assert [j.task_run_id for j in first] == ["run1", "run2"]
    assert first[0].payload == b"payload 1"
    assert all(j.worker_id == "w1" for j in first)
    second = queue.claim("w2", 5, now=T0, lease=LEASE)
    assert [j.task_run_id for j in second] == ["run3"]
    assert queue.claim("w3", 5, now=T0, lease=LEASE) == []
    assert queue.counts() == (0, 3)


def test_concurrent_claims_never_share_a_job(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(n) for n in range(200)])
    taken: list[list[str]] = [[] for _ in range(4)]

    def claim_all(index: int) -> None:
        while batch := queue.claim(f"w{index}", 3, now=T0, lease=LEASE):
            taken[index].extend(j.task_run_id for j in batch)

    threads = [threading.Thread(target=claim_all, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [run for runs in taken for run in runs]
    assert sorted(everything) == sorted(f"run{n}" for n in range(200))


def test_completing_posts_the_answer_with_the_job_gone(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1)])
    (held,) = queue.claim("w1", 1, now=T0, lease=LEASE)
    assert queue.complete("w2", held.task_run_id, b"not mine", now=T0) is None
    seq = queue.complete("w1", held.task_run_id, b"done", now=T0)
    assert queue.pending_runs() == set()
    (item,) = queue.take(0, 10)
    assert (item.seq, item.execution_id, item.payload) == (seq, "e1", b"done")
    assert queue.complete("w1", held.task_run_id, b"twice", now=T0) is None
    assert len(queue.take(0, 10)) == 1


def test_a_lease_not_renewed_expires_and_the_late_answer_is_refused(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1), job(2)])
    queue.claim("alive", 1, now=T0, lease=LEASE)
    queue.claim("dead", 1, now=T0, lease=LEASE)
    later = T0 + timedelta(seconds=20)
    renewed = queue.renew(worker("alive", later), lease=LEASE)
    assert [j.task_run_id for j in renewed] == ["run1"]
    expired = queue.expired(T0 + timedelta(seconds=40))
    assert [(j.task_run_id, j.worker_id) for j in expired] == [("run2", "dead")]
    assert queue.pending_runs() == {"run1"}
    assert queue.complete("dead", "run2", b"late", now=later) is None
    assert queue.take(0, 10) == []


def test_kill_drops_waiting_jobs_and_flags_claimed_ones(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1), job(2)])
    queue.claim("w1", 1, now=T0, lease=LEASE)
    queue.kill(["run1", "run2"])
    assert queue.pending_runs() == {"run1"}
    (held,) = queue.renew(worker("w1", T0), lease=LEASE)
    assert held.kill


def test_a_new_attempt_replaces_the_job_of_the_last(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1)])
    queue.claim("w1", 1, now=T0, lease=LEASE)
    queue.enqueue([Job("run1", "e1", b"attempt 2", T0 + timedelta(minutes=1))])
    (again,) = queue.claim("w2", 1, now=T0, lease=LEASE)
    assert (again.payload, again.worker_id) == (b"attempt 2", "w2")


def test_the_inbox_is_read_in_order_and_acknowledged(database: Database) -> None:
    queue = SqlWorkQueue(database)
    for n in range(5):
        queue.post(f"e{n}", str(n).encode(), now=T0)
    items = queue.take(0, 3)
    assert [i.payload for i in items] == [b"0", b"1", b"2"]
    rest = queue.take(items[-1].seq, 10)
    assert [i.payload for i in rest] == [b"3", b"4"]
    queue.ack([i.seq for i in items])
    assert [i.payload for i in queue.take(0, 10)] == [b"3", b"4"]


def test_reading_the_inbox_deletes_the_applied_items_and_leaves_out_those_handed_over(
    database: Database,
) -> None:
    queue = SqlWorkQueue(database)
    for n in range(6):
        queue.post(f"e{n}", str(n).encode(), now=T0)
    first = queue.read_inbox([], set(), 2)
    assert [i.payload for i in first] == [b"0", b"1"]
    handed = {i.seq for i in first}
    # Not applied yet: still in the table, but not read again.
    assert [i.payload for i in queue.read_inbox([], handed, 2)] == [b"2", b"3"]
    handed |= {i.seq for i in queue.take(0, 10)[2:4]}
    # Applied: gone from the table, in the read's transaction.
    rest = queue.read_inbox(sorted(s for s in handed if s in {i.seq for i in first}), handed, 10)
    assert [i.payload for i in rest] == [b"4", b"5"]
    assert [i.payload for i in queue.take(0, 10)] == [b"2", b"3", b"4", b"5"]


def test_a_claim_takes_a_job_under_lease_and_finding_none_takes_none(database: Database) -> None:
    queue = SqlWorkQueue(database)
    assert queue.claim("w1", 4, now=T0, lease=LEASE) == []
    queue.enqueue([job(1)])
    (claimed,) = queue.claim("w1", 4, now=T0, lease=LEASE)
    assert claimed == Job("run1", "e1", b"payload 1", job(1).created_at, "w1", kill=False)
    assert queue.claim("w2", 4, now=T0, lease=LEASE) == []
    assert queue.counts() == (0, 1)
    # Held until its lease ends: then the executor takes it back.
    assert queue.expired(T0 + LEASE) == []
    assert [j.task_run_id for j in queue.expired(T0 + LEASE + timedelta(seconds=1))] == ["run1"]


def test_workers_are_listed_and_forgotten(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.renew(worker("old", T0), lease=LEASE)
    queue.renew(worker("new", T0 + timedelta(minutes=5)), lease=LEASE)
    assert [w.worker_id for w in queue.workers()] == ["new", "old"]
    assert queue.forget_workers(T0 + timedelta(minutes=1)) == 1
    assert [w.worker_id for w in queue.workers()] == ["new"]


def test_a_lease_is_held_by_one_until_it_expires(database: Database) -> None:
    queue = SqlWorkQueue(database)
    assert queue.hold("executor", "a", now=T0, lease=LEASE)
    assert not queue.hold("executor", "b", now=T0 + timedelta(seconds=10), lease=LEASE)
    assert queue.hold("executor", "a", now=T0 + timedelta(seconds=20), lease=LEASE)  # renewed
    assert not queue.hold("executor", "b", now=T0 + timedelta(seconds=40), lease=LEASE)
    assert queue.hold("executor", "b", now=T0 + timedelta(seconds=51), lease=LEASE)  # expired
    queue.release("executor", "a")  # not a's any more: nothing happens
    assert not queue.hold("executor", "a", now=T0 + timedelta(seconds=52), lease=LEASE)
    queue.release("executor", "b")
    assert queue.hold("executor", "a", now=T0 + timedelta(seconds=53), lease=LEASE)


def test_any_waiting_sees_only_unclaimed_jobs(database: Database) -> None:
    queue = SqlWorkQueue(database)
    assert not queue.any_waiting()
    queue.enqueue([job(1)])
    assert queue.any_waiting()
    queue.claim("w1", 1, now=T0, lease=LEASE)
    assert not queue.any_waiting()


def test_a_dead_workers_jobs_and_record_are_taken_back(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1), job(2)])
    queue.claim("dead", 1, now=T0, lease=LEASE)
    queue.claim("alive", 1, now=T0, lease=LEASE)
    queue.renew(worker("dead", T0), lease=LEASE)
    queue.renew(worker("alive", T0), lease=LEASE)
    assert [j.task_run_id for j in queue.take_back("dead")] == ["run1"]
    assert queue.pending_runs() == {"run2"}
    assert [w.worker_id for w in queue.workers()] == ["alive"]


def test_a_job_given_back_waits_again_as_it_was(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1), job(2)])
    held = queue.claim("w1", 2, now=T0, lease=LEASE)
    assert not queue.give_back("w2", "run1")  # not its job
    assert queue.give_back("w1", "run1")
    assert queue.counts() == (1, 1)
    assert not queue.give_back("w1", "run1")  # no longer held
    (again,) = queue.claim("w2", 5, now=T0, lease=LEASE)
    assert (again.task_run_id, again.payload, again.created_at) == (
        "run1",
        held[0].payload,
        held[0].created_at,
    )


def test_a_claim_skips_the_runs_it_is_told_to(database: Database) -> None:
    queue = SqlWorkQueue(database)
    queue.enqueue([job(1), job(2), job(3)])
    assert queue.any_waiting({"run1", "run2"})
    assert [j.task_run_id for j in queue.claim("w1", 5, now=T0, lease=LEASE, skip={"run1"})] == [
        "run2",
        "run3",
    ]
    assert not queue.any_waiting({"run1"})  # only a skipped one waits
    assert queue.any_waiting()
    assert queue.claim("w1", 5, now=T0, lease=LEASE, skip=["run1"]) == []
