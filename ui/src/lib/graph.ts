// Kestra's FlowGraph (GET /flows/{ns}/{id}/graph) and its layout with dagre, loaded on demand.

export interface GraphTaskRef {
  id: string;
  type: string;
  namespace?: string;
  flowId?: string;
}

export interface GraphNode {
  uid: string;
  type: string;
  task?: GraphTaskRef | null;
  /** A trigger node's definition (its `trigger` is the trigger's stored state). */
  triggerDeclaration?: GraphTaskRef | null;
  relationType?: string | null;
  /** ERROR, FINALLY or AFTER_EXECUTION for the nodes of those branches. */
  branchType?: string | null;
  /** A cluster's flowable task node. */
  taskNode?: GraphNode | null;
}

export interface GraphEdge {
  source: string;
  target: string;
  relation?: { relationType?: string | null; value?: string | null } | null;
}

export interface GraphCluster {
  cluster: GraphNode;
  nodes: string[];
  parents: string[];
  start?: string;
  end?: string;
}

export interface FlowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  clusters: GraphCluster[];
}

export type NodeKind = "task" | "trigger" | "start" | "end";

export interface PlacedNode {
  uid: string;
  kind: NodeKind;
  x: number;
  y: number;
  width: number;
  height: number;
  node: GraphNode;
}

export interface PlacedCluster {
  uid: string;
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  cluster: GraphCluster;
}

export interface PlacedEdge {
  key: string;
  points: { x: number; y: number }[];
  relation: string;
  label: string;
}

export interface Layout {
  nodes: PlacedNode[];
  clusters: PlacedCluster[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export { NODE_HEIGHT, NODE_WIDTH, nodeKind } from "@/lib/graphPlace";
import { nodeKind, placeGraph } from "@/lib/graphPlace";

let worker: Worker | null | undefined;
let asked = 0;
const waiting = new Map<number, { resolve: (layout: Layout) => void; reject: (error: Error) => void }>();

/** The layout worker, started on first use; null where workers cannot run. */
function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL("./graphLayout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<{ id: number; layout?: Layout; error?: string }>) => {
      const { id, layout, error } = event.data;
      const wait = waiting.get(id);
      waiting.delete(id);
      if (layout) wait?.resolve(layout);
      else wait?.reject(new Error(error ?? "layout failed"));
    };
  } catch {
    worker = null;
  }
  return worker;
}

/**
 * Lays the graph out left to right (or top to bottom). dagre runs in a worker: a flow of a
 * thousand tasks takes it a second or more, and the editor must keep up with typing meanwhile.
 */
export async function layoutGraph(graph: FlowGraph, direction: "LR" | "TB" = "LR"): Promise<Layout> {
  const background = layoutWorker();
  if (background) {
    const id = ++asked;
    return new Promise<Layout>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      background.postMessage({ id, graph, direction });
    });
  }
  const { default: dagre } = await import("@dagrejs/dagre");
  return placeGraph(dagre, graph, direction);
}

/** An SVG path through dagre's points, with rounded bends. */
export function edgePath(points: { x: number; y: number }[]): string {
  if (!points.length) return "";
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    d += ` Q${p.x},${p.y} ${(p.x + next.x) / 2},${(p.y + next.y) / 2}`;
  }
  const last = points[points.length - 1];
  return `${d} L${last.x},${last.y}`;
}

/** Where an expanded subflow's nodes live: under the subflow node's uid, apart from the flow's. */
export const SUBFLOW_SEPARATOR = "/";

/**
 * The graph with the subflow task node `uid` drawn as a cluster holding `sub`, the subflow's
 * own graph (Kestra's "expand"): the sub-graph's uids are prefixed with `uid/`, its triggers
 * left out, the edges into the task lead to its start and those out of it leave from its end.
 */
export function expandSubflow(graph: FlowGraph, uid: string, sub: FlowGraph): FlowGraph {
  const node = graph.nodes.find((n) => n.uid === uid);
  if (!node) return graph;
  const prefix = `${uid}${SUBFLOW_SEPARATOR}`;
  const clusterUid = `cluster_${uid}`;
  const triggers = new Set(
    sub.nodes.filter((n) => nodeKind(n) === "trigger").map((n) => n.uid),
  );
  for (const c of sub.clusters) if (/\.Triggers$/.test(c.cluster.uid)) triggers.add(c.cluster.uid);
  const subNodes = sub.nodes.filter((n) => !triggers.has(n.uid));
  const kept = new Set(subNodes.map((n) => n.uid));
  const start = sub.nodes.find((n) => n.uid === "root._root")?.uid ?? subNodes.find((n) => nodeKind(n) === "start")?.uid;
  const end = sub.nodes.find((n) => n.uid === "root._end")?.uid ?? subNodes.find((n) => nodeKind(n) === "end")?.uid;
  const holders = graph.clusters.filter((c) => c.nodes.includes(uid)).sort((a, b) => a.parents.length - b.parents.length);
  const outerParents = holders.length ? [...holders[holders.length - 1].parents, holders[holders.length - 1].cluster.uid] : [];
  const subClusters = sub.clusters.filter((c) => !triggers.has(c.cluster.uid));
  const nested = new Set(subClusters.flatMap((c) => c.nodes));
  const cluster: GraphCluster = {
    cluster: { uid: clusterUid, type: "io.kestra.core.models.hierarchies.SubflowGraphCluster", taskNode: node, relationType: node.relationType },
    nodes: [
      ...subNodes.filter((n) => !nested.has(n.uid)).map((n) => prefix + n.uid),
      ...subClusters.filter((c) => !c.parents.length).map((c) => prefix + c.cluster.uid),
    ],
    parents: outerParents,
    start: start ? prefix + start : undefined,
    end: end ? prefix + end : undefined,
  };
  const rewire = (target: string, side: "in" | "out"): string =>
    target === uid ? prefix + ((side === "in" ? start : end) ?? "") : target;
  return {
    nodes: [...graph.nodes.filter((n) => n.uid !== uid), ...subNodes.map((n) => ({ ...n, uid: prefix + n.uid }))],
    edges: [
      ...graph.edges.map((e) => ({ ...e, source: rewire(e.source, "out"), target: rewire(e.target, "in") })),
      ...sub.edges
        .filter((e) => kept.has(e.source) && kept.has(e.target))
        .map((e) => ({ ...e, source: prefix + e.source, target: prefix + e.target })),
    ],
    clusters: [
      ...graph.clusters.map((c) => (c.nodes.includes(uid) ? { ...c, nodes: c.nodes.map((m) => (m === uid ? clusterUid : m)) } : c)),
      cluster,
      ...subClusters.map((c) => ({
        ...c,
        cluster: { ...c.cluster, uid: prefix + c.cluster.uid },
        nodes: c.nodes.filter((m) => !triggers.has(m)).map((m) => prefix + m),
        parents: [...outerParents, clusterUid, ...c.parents.map((p) => prefix + p)],
        start: c.start ? prefix + c.start : undefined,
        end: c.end ? prefix + c.end : undefined,
      })),
    ],
  };
}
