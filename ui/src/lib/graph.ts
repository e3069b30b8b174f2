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

/** Lays the graph out left to right; dagre is imported here only, so it loads with the first graph. */
export async function layoutGraph(graph: FlowGraph, direction: "LR" | "TB" = "LR"): Promise<Layout> {
  const dagre = (await import("@dagrejs/dagre")).default;
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
