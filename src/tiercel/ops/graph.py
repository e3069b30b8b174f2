"""A flow's topology as Kestra's ``FlowGraph``: nodes, edges and clusters, for the UI to lay out.

The shape and the linking rules are those of Kestra's ``GraphUtils``: the flow is a root
cluster; each flowable task is a cluster holding its own task node and its children; a
cluster's start node leads to its tasks, its ``errors`` branch starts from the start node,
its ``finally`` branch (and the flow's ``afterExecution``) from nodes of their own, and every
path ends at the cluster's end node. Node uids are the task's path of ids from ``root``
(``root.parallel.t1``), clusters' uids ``cluster_`` and the same path. The start, end,
finally and afterExecution nodes of a cluster end with ``._root``, ``._end``, ``._finally``
and ``._afterExecution``: no task id starts with ``_``, so they never collide with a task
(Kestra gives them random ids; fixed ones keep a graph the same from one call to the next).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tiercel.model.base import PluginObject
from tiercel.model.flow import Flow
from tiercel.model.task import Task
from tiercel.sdk import plugin_info
from tiercel.sdk.task import FlowableTask, SubflowTask

_HIERARCHY = "io.kestra.core.models.hierarchies."


class RelationType(StrEnum):
    """Kestra's ``RelationType``: what an edge means."""

    SEQUENTIAL = "SEQUENTIAL"
    CHOICE = "CHOICE"
    ERROR = "ERROR"
    FINALLY = "FINALLY"
    AFTER_EXECUTION = "AFTER_EXECUTION"
    PARALLEL = "PARALLEL"
    DYNAMIC = "DYNAMIC"


_BRANCHES = (RelationType.ERROR, RelationType.FINALLY, RelationType.AFTER_EXECUTION)

_CLUSTER_RELATIONS = {
    "io.kestra.plugin.core.flow.Parallel": RelationType.PARALLEL,
    "io.kestra.plugin.core.flow.Switch": RelationType.CHOICE,
    "io.kestra.plugin.core.flow.If": RelationType.CHOICE,
    "io.kestra.plugin.core.flow.Dag": RelationType.DYNAMIC,
    "io.kestra.plugin.core.flow.EachSequential": RelationType.DYNAMIC,
    "io.kestra.plugin.core.flow.EachParallel": RelationType.DYNAMIC,
    "io.kestra.plugin.core.flow.ForEach": RelationType.DYNAMIC,
}
"""The relation of a flowable's cluster; every other flowable's is SEQUENTIAL."""

TaskJson = Callable[[PluginObject], dict[str, Any]]


@dataclass
class _Cluster:
    """A cluster being built: its path, its special nodes and what it holds."""

    path: str
    relation: RelationType | None
    task_node: dict[str, Any] | None
    has_finally: bool = False
    has_after: bool = False
    members: list[str] = field(default_factory=list)

    @property
    def root(self) -> str:
        return f"{self.path}._root"

    @property
    def end(self) -> str:
        return f"{self.path}._end"

    @property
    def finally_(self) -> str:
        return f"{self.path}._finally"

    @property
    def after(self) -> str:
        return f"{self.path}._afterExecution"

    def sink(self, branch: RelationType | None) -> str:
        """Where a path of ``branch`` (a main path when None) ends in this cluster."""
        if branch is RelationType.AFTER_EXECUTION:
            return self.end
        if branch is not RelationType.FINALLY and self.has_finally:
            return self.finally_
        return self.after if self.has_after else self.end


@dataclass
class _Built:
    """A task's graph: its node (a task) or its cluster, with the uids edges use."""

    entry: str
    exit: str


class GraphBuilder:
    """Builds one flow's graph; ``graph`` is the entry point."""

    def __init__(self, task_json: TaskJson, trigger_states: Mapping[str, Any]) -> None:
        self._task_json = task_json
        self._trigger_states = trigger_states
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.clusters: list[dict[str, Any]] = []

    def graph(self, flow: Flow) -> dict[str, Any]:
        """The flow's ``FlowGraph``."""
        root = _Cluster(
            "root",
            None,
            None,
            has_finally=bool(flow.finally_),
            has_after=bool(flow.after_execution),
        )
        self._open(root, parents=None)
        if flow.triggers:
            self._triggers(root, flow)
        self._fill(root, flow.tasks, RelationType.SEQUENTIAL, None)
        self._alternatives(root, flow.errors, flow.finally_, flow.after_execution)
        return {"nodes": self.nodes, "edges": self.edges, "clusters": self.clusters}

    def _node(self, cluster: _Cluster, node: dict[str, Any]) -> str:
        self.nodes.append(node)
        cluster.members.append(node["uid"])
        return str(node["uid"])

    def _edge(
        self, source: str, target: str, relation: RelationType | None = None, value: Any = None
    ) -> None:
        shown: dict[str, Any] = {}
        if relation is not None:
            shown["relationType"] = relation.value
        if value is not None:
            shown["value"] = value
        self.edges.append({"source": source, "target": target, "relation": shown})

    def _open(
        self, cluster: _Cluster, parents: list[str] | None, branch: str | None = None
    ) -> None:
        """Add a cluster's special nodes, and (unless it is the flow itself) its entry."""
        kinds = [("GraphClusterRoot", cluster.root)]
        if cluster.has_finally:
            kinds.append(("GraphClusterFinally", cluster.finally_))
        if cluster.has_after:
            kinds.append(("GraphClusterAfterExecution", cluster.after))
        kinds.append(("GraphClusterEnd", cluster.end))
        for kind, uid in kinds:
            node: dict[str, Any] = {"uid": uid, "type": _HIERARCHY + kind}
            if branch is not None and kind in ("GraphClusterRoot", "GraphClusterEnd"):
                node["branchType"] = branch
            self._node(cluster, node)
        if parents is not None:
            entry: dict[str, Any] = {
                "cluster": {
                    "uid": f"cluster_{cluster.path}",
                    "type": _HIERARCHY + "GraphCluster",
                },
                "nodes": cluster.members,
                "parents": parents,
                "start": cluster.root,
                "end": cluster.end,
            }
            if cluster.task_node is not None:
                entry["cluster"]["taskNode"] = cluster.task_node
            if cluster.relation is not None:
                entry["cluster"]["relationType"] = cluster.relation.value
            if branch is not None:
                entry["cluster"]["branchType"] = branch
            self.clusters.append(entry)

    def _triggers(self, root: _Cluster, flow: Flow) -> None:
        cluster = _Cluster(f"{root.path}.Triggers", None, None)
        root.members.append(f"cluster_{cluster.path}")
        self._open(cluster, parents=[])
        for trigger in flow.triggers or ():
            node: dict[str, Any] = {
                "uid": f"{cluster.path}.{trigger.id}",
                "type": _HIERARCHY + "GraphTrigger",
                "triggerDeclaration": self._task_json(trigger),
            }
            if trigger.id in self._trigger_states:
                node["trigger"] = self._trigger_states[trigger.id]
            uid = self._node(cluster, node)
            self._edge(cluster.root, uid)
            self._edge(uid, cluster.end)
        self._edge(cluster.end, root.root)

    def _alternatives(
        self,
        cluster: _Cluster,
        errors: Sequence[Task] | None,
        finally_: Sequence[Task] | None,
        after: Sequence[Task] | None = None,
        parents: list[str] | None = None,
    ) -> None:
        if errors:
            self._fill(cluster, errors, RelationType.ERROR, None, parents)
        if finally_:
            self._fill(cluster, finally_, RelationType.FINALLY, None, parents)
        if after:
            self._fill(cluster, after, RelationType.AFTER_EXECUTION, None, parents)

    def _fill(
        self,
        cluster: _Cluster,
        tasks: Sequence[Task],
        relation: RelationType,
        value: str | None,
        parents: list[str] | None = None,
    ) -> None:
        """Kestra's ``fillGraph``: link ``tasks`` into ``cluster`` as ``relation`` says."""
        start = cluster.task_node["uid"] if cluster.task_node else cluster.root
        if relation is RelationType.FINALLY:
            start = cluster.finally_
        elif relation is RelationType.AFTER_EXECUTION:
            start = cluster.after
        elif relation is RelationType.ERROR:
            start = cluster.root
        branch = relation.value if relation in _BRANCHES else None
        sink = cluster.sink(relation if branch else None)
        previous: str | None = start
        parallel = relation in (RelationType.PARALLEL, RelationType.CHOICE)
        for position, task in enumerate(tasks):
            kind = cluster.relation
            if relation is RelationType.ERROR or (
                position
                and relation is not RelationType.PARALLEL
                and cluster.relation is not RelationType.DYNAMIC
            ):
                kind = relation
            built = self._task(cluster, task, relation, branch, parents)
            if previous is not None:
                self._edge(previous, built.entry, kind, value)
            if not parallel:
                previous = built.exit
            if parallel or position == len(tasks) - 1:
                self._edge(built.exit, sink)

    def _task(
        self,
        cluster: _Cluster,
        task: Task,
        relation: RelationType,
        branch: str | None,
        parents: list[str] | None,
    ) -> _Built:
        uid = f"{cluster.path}.{task.id}"
        kind = _kind(task)
        node: dict[str, Any] = {
            "uid": uid,
            "type": _HIERARCHY
            + ("SubflowGraphTask" if isinstance(task, SubflowTask) else "GraphTask"),
            "task": self._task_json(task),
            "relationType": relation.value,
        }
        if branch is not None:
            node["branchType"] = branch
        if not isinstance(task, FlowableTask) or not _holds_tasks(task):
            self._node(cluster, node)
            return _Built(uid, uid)
        own = _CLUSTER_RELATIONS.get(kind, RelationType.SEQUENTIAL)
        node["relationType"] = own.value
        inner = _Cluster(uid, own, node, has_finally=bool(task.finally_))
        cluster.members.append(f"cluster_{uid}")
        chain = [*(parents or []), f"cluster_{uid}"]
        self._open(inner, parents=chain[:-1], branch=branch)
        self._node(inner, node)
        self._edge(inner.root, uid)
        self._children(inner, task, kind, chain)
        self._alternatives(inner, task.errors, task.finally_, parents=chain)
        return _Built(inner.root, inner.end)

    def _children(self, inner: _Cluster, task: FlowableTask, kind: str, chain: list[str]) -> None:
        if kind == "io.kestra.plugin.core.flow.Switch":
            defaults = getattr(task, "defaults", None)
            if defaults:
                self._fill(inner, defaults, RelationType.SEQUENTIAL, "defaults", chain)
            for key, tasks in (getattr(task, "cases", None) or {}).items():
                self._fill(inner, tasks, RelationType.SEQUENTIAL, str(key), chain)
        elif kind == "io.kestra.plugin.core.flow.If":
            self._fill(
                inner, getattr(task, "then", None) or [], RelationType.SEQUENTIAL, "then", chain
            )
            other = getattr(task, "else_", None)
            if other:
                self._fill(inner, other, RelationType.SEQUENTIAL, "else", chain)
        elif kind == "io.kestra.plugin.core.flow.Dag":
            self._dag(inner, getattr(task, "tasks", None) or [], chain)
        else:
            fill = RelationType.SEQUENTIAL
            if kind in (
                "io.kestra.plugin.core.flow.Parallel",
                "io.kestra.plugin.core.flow.EachParallel",
            ):
                fill = RelationType.PARALLEL
            elif kind == "io.kestra.plugin.core.flow.ForEach":
                limit = getattr(task, "concurrency_limit", 1)
                fill = RelationType.SEQUENTIAL if limit == 1 else RelationType.PARALLEL
            self._fill(inner, _main_tasks(task), fill, None, chain)

    def _dag(self, inner: _Cluster, entries: Sequence[Any], chain: list[str]) -> None:
        """Kestra's ``fillGraphDag``: each task after those it depends on."""
        dependencies = {dep for entry in entries for dep in (entry.depends_on or ())}
        built: dict[str, _Built] = {}
        start = inner.task_node["uid"] if inner.task_node else inner.root
        remaining = list(entries)
        while remaining:
            ready = [e for e in remaining if all(d in built for d in (e.depends_on or ()))]
            if not ready:  # a cycle or an unknown task: flow validation reports it
                ready = remaining
            for entry in ready:
                remaining.remove(entry)
                current = self._task(inner, entry.task, RelationType.SEQUENTIAL, None, chain)
                for dep in entry.depends_on or [None]:
                    source = start if dep is None or dep not in built else built[dep].exit
                    self._edge(source, current.entry, RelationType.PARALLEL)
                if entry.task.id not in dependencies:
                    self._edge(current.exit, inner.sink(None))
                built[entry.task.id] = current


def _kind(task: Task) -> str:
    """The canonical Kestra type of a task's class (its aliases resolved)."""
    info = plugin_info(type(task))
    return info.type if info is not None else task.type


def _main_tasks(task: FlowableTask) -> list[Task]:
    """A flowable's main branch: its ``tasks``, or the tasks it makes itself (ForEachItem)."""
    tasks = getattr(task, "tasks", None)
    if isinstance(tasks, list) and all(isinstance(t, Task) for t in tasks):
        return tasks
    return task.internal_tasks()


def _holds_tasks(task: FlowableTask) -> bool:
    """Whether a flowable holds tasks (a Pause without ``tasks`` is drawn as a plain task)."""
    return any(True for _ in task.child_tasks()) or bool(task.internal_tasks())


def flow_graph(
    flow: Flow, task_json: TaskJson, trigger_states: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Kestra's ``FlowGraph`` of ``flow``.

    Args:
        flow: The parsed flow.
        task_json: How a task (or trigger) is shown in its node.
        trigger_states: The stored state of each trigger, by id, shown in its node.
    """
    return GraphBuilder(task_json, trigger_states or {}).graph(flow)
