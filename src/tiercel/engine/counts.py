"""How many runs of each task there are under each parent: all of them, the live ones, and
the ended ones by the state they count as. A flowable asks about the same group of tasks (one
of its branches) on every event, so a group it asks about often is summed as runs change
instead of task by task on each question."""

from collections import Counter
from collections.abc import Iterable

from tiercel.model.state import State

Key = tuple[str | None, str]  # (parent task run id, task id)
GroupKey = tuple[str | None, frozenset[str]]  # (parent task run id, task ids)

GROUP_SIZE = 8
"""Groups of at least this many tasks are kept summed; smaller ones are quick to add up."""


class RunCounts:
    """Counters of task runs, by (parent run, task) and by (parent run, group of tasks)."""

    def __init__(self) -> None:
        self._created: Counter[Key] = Counter()
        self._live: Counter[Key] = Counter()
        self._ended: dict[Key, Counter[State]] = {}
        self._groups: dict[str, list[frozenset[str]]] = {}
        """For each task, the kept groups it belongs to."""
        self._kept: set[frozenset[str]] = set()
        self._group_created: Counter[GroupKey] = Counter()
        self._group_live: Counter[GroupKey] = Counter()
        self._group_ended: dict[GroupKey, Counter[State]] = {}

    # Reading

    def created(self, parent_id: str | None, task_ids: frozenset[str]) -> int:
        """How many runs of these tasks exist under ``parent_id``."""
        if self._keeps(task_ids):
            return self._group_created[(parent_id, task_ids)]
        return sum(self._created[(parent_id, t)] for t in task_ids)

    def live(self, parent_id: str | None, task_ids: frozenset[str]) -> int:
        """How many of them have not ended."""
        if self._keeps(task_ids):
            return self._group_live[(parent_id, task_ids)]
        return sum(self._live[(parent_id, t)] for t in task_ids)

    def ended_states(self, parent_id: str | None, task_ids: frozenset[str]) -> frozenset[State]:
        """The states the ended ones count as, each at least once."""
        if self._keeps(task_ids):
            counts = self._group_ended.get((parent_id, task_ids))
            return frozenset(s for s, n in counts.items() if n) if counts else frozenset()
        found: set[State] = set()
        for task_id in task_ids:
            counts = self._ended.get((parent_id, task_id))
            if counts:
                found.update(state for state, n in counts.items() if n)
        return frozenset(found)

    # Writing

    def add(self, key: Key, counted_as: State | None) -> None:
        """A new run: live when ``counted_as`` is None, else ended counting as that state."""
        self._created[key] += 1
        groups = self._groups.get(key[1])
        if groups:
            for group in groups:
                self._group_created[(key[0], group)] += 1
        self.enter(key, counted_as)

    def drop(self, key: Key, counted_as: State | None) -> None:
        """A run forgotten (``counted_as`` as it was last entered)."""
        self._created[key] -= 1
        groups = self._groups.get(key[1])
        if groups:
            for group in groups:
                self._group_created[(key[0], group)] -= 1
        self.leave(key, counted_as)

    def move(self, key: Key, was: State | None, now: State | None) -> None:
        """A run that counted as ``was`` now counts as ``now`` (None: live)."""
        if was is not now:  # CREATED to RUNNING, the most common change, changes nothing here
            self.leave(key, was)
            self.enter(key, now)

    def enter(self, key: Key, counted_as: State | None) -> None:
        """A run now live (None) or ended counting as ``counted_as``."""
        if counted_as is None:
            self._live[key] += 1
        else:
            self._ended.setdefault(key, Counter())[counted_as] += 1
        for group in self._groups.get(key[1], ()):
            if counted_as is None:
                self._group_live[(key[0], group)] += 1
            else:
                self._group_ended.setdefault((key[0], group), Counter())[counted_as] += 1

    def leave(self, key: Key, counted_as: State | None) -> None:
        """A run no longer live (None) or ended counting as ``counted_as``."""
        if counted_as is None:
            self._live[key] -= 1
        else:
            self._ended[key][counted_as] -= 1
        for group in self._groups.get(key[1], ()):
            if counted_as is None:
                self._group_live[(key[0], group)] -= 1
            else:
                self._group_ended[(key[0], group)][counted_as] -= 1

    def _keeps(self, task_ids: frozenset[str]) -> bool:
        """Whether the group is kept summed, starting to keep it if it is large enough."""
        if task_ids in self._kept:
            return True
        if len(task_ids) < GROUP_SIZE:
            return False
        self._keep(task_ids)
        return True

    def _keep(self, group: frozenset[str]) -> None:
        self._kept.add(group)
        for task_id in group:
            self._groups.setdefault(task_id, []).append(group)
        self._sum_into(group, (key for key in self._created if key[1] in group))

    def _sum_into(self, group: frozenset[str], keys: Iterable[Key]) -> None:
        for key in keys:
            at = (key[0], group)
            self._group_created[at] += self._created[key]
            self._group_live[at] += self._live[key]
            ended = self._ended.get(key)
            if ended:
                self._group_ended.setdefault(at, Counter()).update(ended)
