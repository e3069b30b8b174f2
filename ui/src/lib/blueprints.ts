// Blueprints (the example flows served by /blueprints/community/flow) and using one: the flow
// is created under its own id, or the first free `<id>_2`, `<id>_3`... when that one is taken.
import { api, ApiError } from "@/lib/api";

export interface Blueprint {
  id: string;
  title: string;
  description: string;
  includedTasks: string[];
  tags: string[];
  publishedAt?: string;
}

export interface BlueprintWithSource extends Blueprint {
  source: string;
}

export const BLUEPRINTS = "/blueprints/community/flow";

/** `source` with its flow id (the top-level `id:` line) replaced. */
export function withFlowId(source: string, id: string): string {
  return source.replace(/^id:[ \t]*.*$/m, `id: ${id}`);
}

/** The description without its first line (the title). */
export function summary(blueprint: Blueprint): string {
  return blueprint.description.split("\n").slice(1).join(" ").trim();
}

/** Creates a flow from a blueprint; returns its namespace and id. */
export async function useBlueprint(id: string): Promise<{ namespace: string; id: string }> {
  const blueprint = await api<BlueprintWithSource>(`${BLUEPRINTS}/${encodeURIComponent(id)}`);
  const flowId = /^id:[ \t]*(\S+)/m.exec(blueprint.source)?.[1] ?? id;
  for (let attempt = 1; attempt <= 50; attempt++) {
    const candidate = attempt === 1 ? flowId : `${flowId}_${attempt}`;
    try {
      const flow = await api<{ namespace: string; id: string }>("/flows", {
        method: "POST",
        body: withFlowId(blueprint.source, candidate),
        contentType: "application/x-yaml",
      });
      return { namespace: flow.namespace, id: flow.id };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
  }
  throw new Error(`Every id from ${flowId} to ${flowId}_50 is taken: rename one of those flows first`);
}
