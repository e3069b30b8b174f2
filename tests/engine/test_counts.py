"""Run counters: a group of tasks kept summed answers as adding its tasks up would, whatever
the order of runs added, changing state and dropped, and from whenever it started to be kept."""

import random

import pytest

from tiercel.engine.counts import GROUP_SIZE, RunCounts
from tiercel.model.state import State

TASKS = [f"t{i}" for i in range(12)]
PARENTS = [None, "p1", "p2"]
STATES = [None, State.SUCCESS, State.FAILED, State.WARNING]


class Naive:
    """The same counters kept as plain lists of runs."""

    def __init__(self) -> None:
        self.runs: dict[int, tuple[str | None, str, State | None]] = {}

    def created(self, parent: str | None, ids: frozenset[str]) -> int:
        return sum(1 for p, t, _ in self.runs.values() if p == parent and t in ids)

    def live(self, parent: str | None, ids: frozenset[str]) -> int:
        return sum(1 for p, t, s in self.runs.values() if p == parent and t in ids and s is None)

    def ended_states(self, parent: str | None, ids: frozenset[str]) -> frozenset[State]:
        return frozenset(
            s for p, t, s in self.runs.values() if p == parent and t in ids and s is not None
        )


@pytest.mark.parametrize("seed", range(20))
def test_kept_groups_answer_as_the_sums(seed: int) -> None:
    rng = random.Random(seed)
    counts, naive = RunCounts(), Naive()
    big = frozenset(TASKS[: GROUP_SIZE + 1])  # kept summed once asked about
    other = frozenset(TASKS[2:])  # overlaps the first: a task in two kept groups
    small = frozenset(TASKS[:3])  # below the size: added up each time
    groups = [big, other, small]
    for step in range(400):
        action = rng.random()
        if action < 0.45 or not naive.runs:
            parent, task, state = rng.choice(PARENTS), rng.choice(TASKS), rng.choice(STATES)
            naive.runs[step] = (parent, task, state)
            counts.add((parent, task), state)
        elif action < 0.85:
            run_id = rng.choice(list(naive.runs))
            parent, task, old = naive.runs[run_id]
            new = rng.choice(STATES)
            counts.leave((parent, task), old)
            counts.enter((parent, task), new)
            naive.runs[run_id] = (parent, task, new)
        else:
            run_id = rng.choice(list(naive.runs))
            parent, task, old = naive.runs.pop(run_id)
            counts.drop((parent, task), old)
        if step % 7 == 0 or step > 300:  # groups start being kept at different moments
            for group in groups[: 1 + step // 150]:
                for parent in PARENTS:
                    assert counts.created(parent, group) == naive.created(parent, group)
                    assert counts.live(parent, group) == naive.live(parent, group)
                    assert counts.ended_states(parent, group) == naive.ended_states(parent, group)
