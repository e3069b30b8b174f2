// Lays flow graphs out off the page's thread (see layoutGraph in lib/graph.ts).
import dagre from "@dagrejs/dagre";
import type { FlowGraph } from "@/lib/graph";
import { placeGraph } from "@/lib/graphPlace";

self.onmessage = (event: MessageEvent<{ id: number; graph: FlowGraph; direction: "LR" | "TB" }>) => {
  const { id, graph, direction } = event.data;
  try {
    self.postMessage({ id, layout: placeGraph(dagre, graph, direction) });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
