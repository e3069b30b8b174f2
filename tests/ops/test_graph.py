"""Flow graphs as Kestra's ``GraphUtils`` builds them: every flowable's cluster, the edges'
relations, the branches, and a graph whose every edge joins two of its nodes."""

from textwrap import dedent
from typing import Any

from tiercel.model import Flow, load_flows
from tiercel.model.base import PluginObject
from tiercel.ops.graph import flow_graph
from tiercel.registry import default_registry

ALL = """\
id: everything
namespace: company.team
tasks:
  - id: seq
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: s1
        type: io.kestra.plugin.core.log.Log
        message: a
      - id: s2
        type: io.kestra.plugin.core.log.Log
        message: b
    errors:
      - id: s_err
        type: io.kestra.plugin.core.log.Log
        message: e
  - id: cond
    type: io.kestra.plugin.core.flow.If
    condition: "{{ true }}"
    then:
      - id: yes
        type: io.kestra.plugin.core.log.Log
        message: y
    else:
      - id: no
        type: io.kestra.plugin.core.log.Log
        message: n
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2]
    concurrencyLimit: 0
    tasks:
      - id: e1
        type: io.kestra.plugin.core.log.Log
        message: "{{ taskrun.value }}"
  - id: eachseq
    type: io.kestra.plugin.core.flow.EachSequential
    value: [1, 2]
    tasks:
      - id: q1
        type: io.kestra.plugin.core.log.Log
        message: a
      - id: q2
        type: io.kestra.plugin.core.log.Log
        message: b
  - id: loop
    type: io.kestra.plugin.core.flow.LoopUntil
    condition: "{{ true }}"
    tasks:
      - id: l1
        type: io.kestra.plugin.core.log.Log
        message: l
  - id: wd
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: w1
        type: io.kestra.plugin.core.log.Log
        message: w
  - id: allow
    type: io.kestra.plugin.core.flow.AllowFailure
    tasks:
      - id: a1
        type: io.kestra.plugin.core.log.Log
        message: a
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
  - id: items
    type: io.kestra.plugin.core.flow.ForEachItem
    items: "{{ outputs.x }}"
    namespace: company.team
    flowId: child
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: child
afterExecution:
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: done
"""


def _flow(text: str) -> Flow:
    result = load_flows(dedent(text), "flow.yaml", default_registry())
    assert not result.all_problems(), result.all_problems()
    return result.valid_flows()[0]


def _shown(item: PluginObject) -> dict[str, Any]:
    return {"id": getattr(item, "id", None), "type": item.type}


def _edges(graph: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    return {e["target"]: e["relation"] for e in graph["edges"] if e["source"] == source}


def test_every_flowable_is_a_cluster_with_its_relation() -> None:
    graph = flow_graph(_flow(ALL), _shown)
    uids = [n["uid"] for n in graph["nodes"]]
    assert len(uids) == len(set(uids))
    for edge in graph["edges"]:
        assert edge["source"] in uids and edge["target"] in uids, edge
    clusters = {c["cluster"]["uid"]: c["cluster"].get("relationType") for c in graph["clusters"]}
    assert clusters == {
        "cluster_root.seq": "SEQUENTIAL",
        "cluster_root.cond": "CHOICE",
        "cluster_root.each": "DYNAMIC",
        "cluster_root.eachseq": "DYNAMIC",
        "cluster_root.loop": "SEQUENTIAL",
        "cluster_root.wd": "SEQUENTIAL",
        "cluster_root.allow": "SEQUENTIAL",
        "cluster_root.items": "SEQUENTIAL",
    }
    # A Pause without tasks and a Subflow are plain nodes.
    assert "root.wait" in uids
    subflow = next(n for n in graph["nodes"] if n["uid"] == "root.call")
    assert subflow["type"].endswith("SubflowGraphTask")
    # The main path runs from the flow's start through each task to afterExecution, then end.
    assert _edges(graph, "root._root") == {"root.seq._root": {}}
    assert _edges(graph, "root.seq._end") == {"root.cond._root": {"relationType": "SEQUENTIAL"}}
    assert _edges(graph, "root.call") == {"root._afterExecution": {}}
    # A branch's first task takes the cluster's relation (none for the flow), as in Kestra.
    assert _edges(graph, "root._afterExecution") == {"root.after": {}}
    assert _edges(graph, "root.after") == {"root._end": {}}


def test_branches_choices_and_dynamic_relations() -> None:
    graph = flow_graph(_flow(ALL), _shown)
    assert _edges(graph, "root.seq._root") == {
        "root.seq": {},
        "root.seq.s_err": {"relationType": "ERROR"},
    }
    assert _edges(graph, "root.seq.s1") == {"root.seq.s2": {"relationType": "SEQUENTIAL"}}
    assert _edges(graph, "root.cond") == {
        "root.cond.yes": {"relationType": "CHOICE", "value": "then"},
        "root.cond.no": {"relationType": "CHOICE", "value": "else"},
    }
    # ForEach with a concurrency other than 1 runs its values in parallel.
    assert _edges(graph, "root.each") == {"root.each.e1": {"relationType": "DYNAMIC"}}
    assert _edges(graph, "root.each.e1") == {"root.each._end": {}}
    assert _edges(graph, "root.eachseq.q1") == {"root.eachseq.q2": {"relationType": "DYNAMIC"}}
    error = next(n for n in graph["nodes"] if n["uid"] == "root.seq.s_err")
    assert error["branchType"] == "ERROR" and error["relationType"] == "ERROR"
    items = next(c for c in graph["clusters"] if c["cluster"]["uid"] == "cluster_root.items")
    assert len([n for n in items["nodes"] if not n.startswith("root.items._")]) == 4


def test_nested_clusters_name_their_parents() -> None:
    nested = """\
    id: nested
    namespace: company.team
    tasks:
      - id: outer
        type: io.kestra.plugin.core.flow.Parallel
        tasks:
          - id: inner
            type: io.kestra.plugin.core.flow.Sequential
            tasks:
              - id: deep
                type: io.kestra.plugin.core.flow.Sequential
                tasks:
                  - id: leaf
                    type: io.kestra.plugin.core.log.Log
                    message: x
            finally:
              - id: tidy
                type: io.kestra.plugin.core.log.Log
                message: t
    """
    graph = flow_graph(_flow(nested), _shown)
    parents = {c["cluster"]["uid"]: c["parents"] for c in graph["clusters"]}
    assert parents == {
        "cluster_root.outer": [],
        "cluster_root.outer.inner": ["cluster_root.outer"],
        "cluster_root.outer.inner.deep": ["cluster_root.outer", "cluster_root.outer.inner"],
    }
    outer = next(c for c in graph["clusters"] if c["cluster"]["uid"] == "cluster_root.outer")
    assert "cluster_root.outer.inner" in outer["nodes"]
    assert _edges(graph, "root.outer.inner.deep._end") == {"root.outer.inner._finally": {}}
    assert _edges(graph, "root.outer.inner._finally") == {
        "root.outer.inner.tidy": {"relationType": "SEQUENTIAL"}
    }
    assert _edges(graph, "root.outer.inner.tidy") == {"root.outer.inner._end": {}}
    assert _edges(graph, "root.outer.inner._end") == {"root.outer._end": {}}
