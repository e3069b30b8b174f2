// What the editor reads from the server once per page load: the flow schema, the expression
// catalog, and each task type's declared outputs (on demand).
import { api } from "@/lib/api";
import { type FlowSchema, SchemaIndex } from "@/lib/editorSchema";
import type { ExpressionCatalog } from "@/lib/editorExpressions";
import type { JsonSchema } from "@/lib/schema";

let schema: Promise<SchemaIndex> | null = null;
let catalog: Promise<ExpressionCatalog> | null = null;
const outputs = new Map<string, Promise<{ name: string; type: string; description: string }[]>>();

export function loadSchema(): Promise<SchemaIndex> {
  schema ??= api<FlowSchema>("/plugins/schemas/flow").then((root) => new SchemaIndex(root));
  schema.catch(() => (schema = null));
  return schema;
}

export function loadExpressions(): Promise<ExpressionCatalog> {
  catalog ??= api<ExpressionCatalog>("/expressions");
  catalog.catch(() => (catalog = null));
  return catalog;
}

interface Documentation {
  schema: { outputs?: JsonSchema | null };
}

export function outputsOf(type: string): Promise<{ name: string; type: string; description: string }[]> {
  let found = outputs.get(type);
  if (!found) {
    found = api<Documentation>(`/plugins/${encodeURIComponent(type)}`)
      .then(async (doc) => {
        const { typeText } = await import("@/lib/schema");
        return Object.entries(doc.schema.outputs?.properties ?? {}).map(([name, s]) => ({
          name,
          type: typeText(s),
          description: (s.description ?? s.title ?? "").split(/\n\s*\n/)[0],
        }));
      })
      .catch(() => {
        outputs.delete(type);
        return [];
      });
    outputs.set(type, found);
  }
  return found;
}
