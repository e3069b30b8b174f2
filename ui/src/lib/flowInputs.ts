// Inputs as a flow declares them (Kestra's `inputs` and a Pause task's `onResume`), and finding
// one task's property in a flow's JSON whatever the nesting (Parallel, If, errors, finally...).

export interface FlowInput {
  id: string;
  type: string;
  description?: string;
  required?: boolean;
  defaults?: unknown;
  values?: string[];
  displayName?: string;
}

/** The value of `property` on the task whose `id` is `taskId`, searched depth-first. */
export function findTaskProperty(node: unknown, taskId: string, property: string): unknown {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findTaskProperty(item, taskId, property);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== "object") return undefined;
  const record = node as Record<string, unknown>;
  if (record.id === taskId && typeof record.type === "string" && property in record) return record[property];
  for (const value of Object.values(record)) {
    if (value && typeof value === "object") {
      const found = findTaskProperty(value, taskId, property);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
