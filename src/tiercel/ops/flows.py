"""Deploying flows: YAML in, a checked revision stored, the flow's triggers given records.

``Flows`` is what the API, ``--flows DIR`` and the executor share: it parses a source with the
installed plugins, refuses it with every problem (file, line, field) when it is not valid, and
keeps each parsed revision, so that running an execution never parses its flow again.
"""

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tiercel.model.catalog import TypeCatalog
from tiercel.model.errors import Problem
from tiercel.model.flow import Flow
from tiercel.model.loader import load_flows
from tiercel.storage.paging import FlowFilter, Page, Sort
from tiercel.storage.ports import FlowStore, TriggerStore
from tiercel.storage.records import FlowRecord, TriggerRecord


class FlowError(Exception):
    """A flow source is refused; ``problems`` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


class FlowNotFoundError(LookupError):
    """No such flow (or no such revision of it)."""


@dataclass(frozen=True, slots=True)
class Deployed:
    """A stored revision with its parsed flow, and its YAML as plain data (what the API shows
    as the flow's JSON: the author's own properties, not a re-serialised model)."""

    record: FlowRecord
    flow: Flow
    data: Mapping[str, Any]


FRESH_FOR = 1.0
"""How long, in seconds, the list of every current flow is used before it is read again."""


class Flows:
    """The flow store with its sources parsed once per revision."""

    def __init__(
        self,
        store: FlowStore,
        triggers: TriggerStore,
        catalog: TypeCatalog,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._triggers = triggers
        self._catalog = catalog
        self._clock = clock
        self._parsed: dict[tuple[str, str, int], tuple[Flow, Mapping[str, Any]]] = {}
        self._lock = threading.Lock()
        self._current: tuple[float, list[Deployed], dict[tuple[str, str], Deployed]] | None = None
        """Every current flow, and when it was read: triggers look at them all on each
        execution's change of state."""
        self._changes = 0
        """Deploys and deletes made here: a list read while one was made is not kept, or a flow
        deployed meanwhile would stay unseen by triggers until the list is read again."""

    def parse(self, source: str, name: str = "flow.yaml") -> Flow:
        """The one valid flow of ``source``.

        Raises:
            FlowError: the source is not exactly one valid flow.
        """
        return self._read(source, name)[0]

    def _read(self, source: str, name: str) -> tuple[Flow, Mapping[str, Any]]:
        result = load_flows(source, name, self._catalog)
        problems = result.all_problems()
        if problems:
            raise FlowError(problems)
        if len(result.flows) != 1 or result.flows[0].flow is None:
            raise FlowError([Problem(name, 1, 1, "", "expected exactly one flow in the source")])
        loaded = result.flows[0]
        assert loaded.flow is not None
        data = loaded.data if isinstance(loaded.data, Mapping) else {}
        return loaded.flow, data

    def deploy(
        self, source: str, *, name: str = "flow.yaml", expect: tuple[str, str] | None = None
    ) -> Deployed:
        """Check and store ``source`` as the flow's next revision (none if unchanged).

        Args:
            source: The YAML text.
            name: How problems name the source.
            expect: The namespace and id the source must declare (an update of that flow).

        Raises:
            FlowError: the source is refused.
        """
        flow, data = self._read(source, name)
        if expect is not None and (flow.namespace, flow.id) != expect:
            raise FlowError(
                [
                    Problem(
                        name,
                        1,
                        1,
                        "id",
                        f"Illegal flow id update: the source declares "
                        f"'{flow.namespace}.{flow.id}', not '{expect[0]}.{expect[1]}'",
                    )
                ]
            )
        now = self._clock()
        record = self._store.save(flow.namespace, flow.id, source, now=now)
        flow = flow.model_copy(update={"revision": record.revision})
        with self._lock:
            self._parsed[(flow.namespace, flow.id, record.revision)] = (flow, data)
            self._current = None
            self._changes += 1
        deploy_triggers(self._triggers, flow, now)
        return Deployed(record, flow, data)

    def delete(self, namespace: str, flow_id: str) -> FlowRecord:
        """Delete a flow (a new revision records it) and its triggers' records.

        Raises:
            FlowNotFoundError: no such flow.
        """
        record = self._store.delete(namespace, flow_id, now=self._clock())
        if record is None:
            raise FlowNotFoundError(f"flow '{namespace}.{flow_id}' not found")
        self._triggers.delete(namespace, flow_id)
        with self._lock:
            self._current = None
            self._changes += 1
        return record

    def get(self, namespace: str, flow_id: str, revision: int | None = None) -> Deployed:
        """The current (or a given) revision, parsed.

        Raises:
            FlowNotFoundError: no such flow or revision.
        """
        if revision is None:
            self._every_current()
            with self._lock:
                cached = self._current
            if cached is not None and (namespace, flow_id) in cached[2]:
                return cached[2][(namespace, flow_id)]
        record = self._store.get(namespace, flow_id, revision)
        if record is None:
            what = f"revision {revision} of flow" if revision else "flow"
            raise FlowNotFoundError(f"{what} '{namespace}.{flow_id}' not found")
        return self._deployed(record)

    def find(self, namespace: str, flow_id: str, revision: int | None = None) -> Flow | None:
        """The parsed flow, or None: what the executor runs executions with."""
        try:
            return self.get(namespace, flow_id, revision).flow
        except (FlowNotFoundError, FlowError):
            return None

    def current(self, *, namespace: str | None = None, prefix: bool = False) -> list[Deployed]:
        """Every deployed flow, current revisions only."""
        if namespace is None:
            return list(self._every_current())
        return self._parsed_records(self._store.find(namespace=namespace, prefix=prefix))

    def search(
        self, where: FlowFilter, page: int, size: int, sort: Sequence[Sort] = ()
    ) -> Page[Deployed | FlowRecord]:
        """A page of the current flows (see ``FlowStore.search``), each parsed, or its bare
        record when its source no longer parses (a plugin it uses went away).

        Raises:
            InvalidSearchError: An unknown sort field, a page or size below 1.
        """
        found = self._store.search(where, page, size, sort)
        results: list[Deployed | FlowRecord] = []
        for record in found.results:
            try:
                results.append(self._deployed(record))
            except FlowError:
                results.append(record)
        return Page(results, found.total, found.exact)

    def _parsed_records(self, records: Iterable[FlowRecord]) -> list[Deployed]:
        found = []
        for record in records:
            try:
                found.append(self._deployed(record))
            except FlowError:
                continue  # stored before a plugin went away: listed by the API as source only
        return found

    def _every_current(self) -> list[Deployed]:
        """Every current flow, read again once ``FRESH_FOR`` has passed (sooner after a deploy
        or a delete in this process; another process's shows within that time)."""
        now = time.monotonic()
        with self._lock:
            cached, changes = self._current, self._changes
        if cached is not None and now - cached[0] < FRESH_FOR:
            return cached[1]
        found = self._parsed_records(self._store.find())
        by_key = {(d.flow.namespace, d.flow.id): d for d in found}
        with self._lock:
            if self._changes == changes:
                self._current = (now, found, by_key)
        return found

    def revisions(self, namespace: str, flow_id: str) -> list[FlowRecord]:
        """Every revision of a flow, oldest first."""
        return self._store.revisions(namespace, flow_id)

    def namespaces(self) -> list[str]:
        """The namespaces holding current flows, in code-point order."""
        return self._store.namespaces()

    def _deployed(self, record: FlowRecord) -> Deployed:
        key = (record.namespace, record.flow_id, record.revision)
        with self._lock:
            parsed = self._parsed.get(key)
        if parsed is None:
            flow, data = self._read(record.source, f"{record.namespace}.{record.flow_id}")
            parsed = (flow.model_copy(update={"revision": record.revision}), data)
            with self._lock:
                self._parsed[key] = parsed
        return Deployed(record, *parsed)


def deploy_triggers(store: TriggerStore, flow: Flow, now: datetime) -> None:
    """Give each trigger of ``flow`` its record, as deploying the flow does, and drop the
    records of triggers the flow no longer has."""
    declared = {trigger.id: trigger for trigger in flow.triggers or []}
    for record in store.find(namespace=flow.namespace, flow_id=flow.id):
        if record.trigger_id not in declared:
            store.delete(flow.namespace, flow.id, record.trigger_id)
    for trigger_id, trigger in declared.items():
        if store.get(flow.namespace, flow.id, trigger_id) is None:
            store.save(
                TriggerRecord(
                    flow.namespace, flow.id, trigger_id, updated_at=now, disabled=trigger.disabled
                )
            )
