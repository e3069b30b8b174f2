// The parts of a laid-out graph that are in view (with a margin): a flow of a thousand tasks
// draws some tens of SVG groups, not thousands, so putting it on the page (and every change
// after) costs what the viewport shows, not what the flow holds.
import type { Layout, PlacedCluster, PlacedEdge, PlacedNode } from "@/lib/graph";

/** Graphs with fewer parts than this are drawn whole: culling would save nothing visible. */
export const CULL_ABOVE = 150;

const UNMEASURED = { width: 1920, height: 1080 };

export interface View {
  /** The viewport's size in pixels. */
  width: number;
  height: number;
  /** The graph's translation and scale (screen = graph * scale + t). */
  tx: number;
  ty: number;
  scale: number;
}

export interface Shown {
  nodes: PlacedNode[];
  clusters: PlacedCluster[];
  edges: PlacedEdge[];
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const edgeBoxes = new WeakMap<PlacedEdge, Box>();

function edgeBox(edge: PlacedEdge): Box {
  let box = edgeBoxes.get(edge);
  if (!box) {
    box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    for (const p of edge.points) {
      box.x0 = Math.min(box.x0, p.x);
      box.y0 = Math.min(box.y0, p.y);
      box.x1 = Math.max(box.x1, p.x);
      box.y1 = Math.max(box.y1, p.y);
    }
    edgeBoxes.set(edge, box);
  }
  return box;
}

function meets(a: Box, b: Box): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

function centred(part: { x: number; y: number; width: number; height: number }): Box {
  return { x0: part.x - part.width / 2, y0: part.y - part.height / 2, x1: part.x + part.width / 2, y1: part.y + part.height / 2 };
}

/**
 * What to draw of `layout` in `view`: everything for a small graph, else the nodes, clusters
 * and edges meeting the visible area grown by half a screen on each side, so that panning
 * shows drawn parts before the next frame adds the new ones.
 */
export function shownParts(layout: Layout, view: View): Shown {
  const total = layout.nodes.length + layout.clusters.length + layout.edges.length;
  if (total <= CULL_ABOVE || view.scale <= 0) {
    return { nodes: layout.nodes, clusters: layout.clusters, edges: layout.edges };
  }
  // A viewport not measured yet (hidden, or before its first layout) counts as a large screen:
  // a big graph is never drawn whole, even once.
  const width = view.width > 0 ? view.width : UNMEASURED.width;
  const height = view.height > 0 ? view.height : UNMEASURED.height;
  const marginX = width / 2;
  const marginY = height / 2;
  const area: Box = {
    x0: (-view.tx - marginX) / view.scale,
    y0: (-view.ty - marginY) / view.scale,
    x1: (width - view.tx + marginX) / view.scale,
    y1: (height - view.ty + marginY) / view.scale,
  };
  return {
    nodes: layout.nodes.filter((n) => meets(centred(n), area)),
    clusters: layout.clusters.filter((c) => meets(centred(c), area)),
    edges: layout.edges.filter((e) => e.points.length > 0 && meets(edgeBox(e), area)),
  };
}
