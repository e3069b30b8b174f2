// A flow graph's placement with dagre, apart from the rest of lib/graph.ts so that the layout
// worker (graphLayout.worker.ts) bundles only this and dagre. dagre is passed in: the worker
// imports it, the page loads it on demand when no worker can run.
import type { FlowGraph, Layout, NodeKind, PlacedCluster, PlacedEdge, PlacedNode, GraphNode } from "@/lib/graph";

type Dagre = typeof import("@dagrejs/dagre").default;

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 52;
const MARKER = 14;

export function nodeKind(node: GraphNode): NodeKind {
  const type = node.type ?? "";
  if (type.endsWith("GraphClusterRoot")) return "start";
  if (/GraphCluster(End|Finally|AfterExecution)$/.test(type)) return "end";
  if (type.endsWith("GraphTrigger") || node.triggerDeclaration) return "trigger";
  return "task";
}

/** The cluster each node and cluster sits in directly: the deepest one listing it. */
function parentsOf(graph: FlowGraph): Map<string, string> {
  const depth = new Map(graph.clusters.map((c) => [c.cluster.uid, c.parents.length]));
  const parent = new Map<string, string>();
  for (const c of graph.clusters) {
    const uid = c.cluster.uid;
    for (const member of c.nodes) {
      const before = parent.get(member);
      if (before === undefined || (depth.get(before) ?? 0) < c.parents.length) parent.set(member, uid);
    }
    let closest: string | undefined;
    for (const p of c.parents) {
      if (depth.has(p) && (closest === undefined || depth.get(p)! > depth.get(closest)!)) closest = p;
    }
    if (closest !== undefined && closest !== uid) parent.set(uid, closest);
  }
  return parent;
}

/** Lays the graph out, left to right or top to bottom. */
export function placeGraph(dagre: Dagre, graph: FlowGraph, direction: "LR" | "TB"): Layout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 22, ranksep: 46, edgesep: 12, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  const clusterIds = new Set(graph.clusters.map((c) => c.cluster.uid));
  for (const node of graph.nodes) {
    if (clusterIds.has(node.uid)) continue;
    const kind = nodeKind(node);
    const small = kind === "start" || kind === "end";
    g.setNode(node.uid, { width: small ? MARKER : NODE_WIDTH, height: small ? MARKER : NODE_HEIGHT });
  }
  for (const c of graph.clusters) {
    g.setNode(c.cluster.uid, { paddingTop: 30, paddingLeft: 14, paddingRight: 14, paddingBottom: 14 });
  }
  for (const [child, parent] of parentsOf(graph)) {
    if (g.hasNode(child) && g.hasNode(parent)) g.setParent(child, parent);
  }
  graph.edges.forEach((edge, index) => {
    if (!g.hasNode(edge.source) || !g.hasNode(edge.target)) return;
    if (clusterIds.has(edge.source) || clusterIds.has(edge.target)) return;
    const value = edge.relation?.value ?? "";
    g.setEdge(edge.source, edge.target, value ? { width: value.length * 7 + 10, height: 16, labelpos: "c" } : {}, String(index));
  });
  dagre.layout(g);

  const depthOf = new Map(graph.clusters.map((c) => [c.cluster.uid, c.parents.length]));
  const nodes: PlacedNode[] = [];
  for (const node of graph.nodes) {
    if (clusterIds.has(node.uid) || !g.hasNode(node.uid)) continue;
    const placed = g.node(node.uid);
    nodes.push({ uid: node.uid, kind: nodeKind(node), x: placed.x, y: placed.y, width: placed.width, height: placed.height, node });
  }
  const clusters: PlacedCluster[] = graph.clusters
    .filter((c) => g.hasNode(c.cluster.uid) && g.node(c.cluster.uid).width)
    .map((c) => {
      const placed = g.node(c.cluster.uid);
      return { uid: c.cluster.uid, x: placed.x, y: placed.y, width: placed.width, height: placed.height, depth: depthOf.get(c.cluster.uid) ?? 0, cluster: c };
    })
    .sort((a, b) => a.depth - b.depth);
  const edges: PlacedEdge[] = g.edges().map((e) => {
    const edge = graph.edges[Number(e.name)];
    return {
      key: `${e.v}->${e.w}#${e.name}`,
      points: (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })),
      relation: edge?.relation?.relationType ?? "SEQUENTIAL",
      label: edge?.relation?.value ?? "",
    };
  });
  const size = g.graph();
  return { nodes, clusters, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
