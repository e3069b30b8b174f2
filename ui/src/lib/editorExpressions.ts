// Completion inside `{{ }}`: the variables a flow's expressions see (inputs of this flow,
// outputs of the tasks before the cursor with their declared outputs, vars, flow, execution,
// trigger...) and the functions, filters and tests of the server's expression engine.
import type { Completion, CompletionResult } from "@codemirror/autocomplete";
import type { TaskEntry } from "@/lib/editorYaml";

export interface CatalogEntry {
  name: string;
  signature: string;
  description: string;
}

/** GET /expressions. */
export interface ExpressionCatalog {
  functions: CatalogEntry[];
  filters: CatalogEntry[];
  tests: CatalogEntry[];
}

export interface ExpressionSources {
  catalog: ExpressionCatalog | null;
  inputs: () => string[];
  variables: () => string[];
  labels: () => string[];
  tasksBefore: () => TaskEntry[];
  outputsOf: (type: string) => Promise<{ name: string; type: string; description: string }[]>;
}

const ROOTS: [string, string][] = [
  ["inputs", "The inputs of this execution"],
  ["outputs", "The outputs of the tasks that ran"],
  ["vars", "The flow's variables"],
  ["flow", "This flow: id, namespace, revision"],
  ["execution", "This execution: id, startDate, originalId"],
  ["trigger", "What triggered the execution"],
  ["labels", "The execution's labels"],
  ["taskrun", "The current task run: id, value, attemptsCount"],
  ["task", "The current task: id, type"],
  ["parent", "The parent task run in a loop"],
  ["envs", "Environment variables starting with ENV_"],
  ["kestra", "The server: environment, url"],
];

const FIELDS: Record<string, [string, string][]> = {
  flow: [["id", "The flow's id"], ["namespace", "The flow's namespace"], ["revision", "The revision running"], ["tenantId", "The tenant"]],
  execution: [["id", "The execution's id"], ["startDate", "When it started"], ["originalId", "The first execution's id, across replays"], ["state", "The current state"]],
  trigger: [
    ["date", "Schedule: the scheduled date"],
    ["next", "Schedule: the next date"],
    ["previous", "Schedule: the previous date"],
    ["executionId", "Flow trigger: the execution that triggered"],
    ["namespace", "Flow trigger: its namespace"],
    ["flowId", "Flow trigger: its flow"],
    ["flowRevision", "Flow trigger: its revision"],
    ["state", "Flow trigger: its state"],
    ["outputs", "Flow trigger: its outputs"],
    ["body", "Webhook: the request body"],
    ["headers", "Webhook: the request headers"],
    ["parameters", "Webhook: the query parameters"],
  ],
  taskrun: [["id", "The task run's id"], ["startDate", "When it started"], ["attemptsCount", "Attempts so far"], ["parentId", "The parent task run"], ["value", "The loop value"], ["iteration", "The loop iteration"]],
  task: [["id", "The task's id"], ["type", "The task's type"]],
  parent: [["taskrun", "The parent task run (value...)"], ["outputs", "The parent's outputs"]],
  kestra: [["environment", "The server's environment name"], ["url", "The server's URL"]],
};

function named(list: [string, string][], kind: string): Completion[] {
  return list.map(([label, info]) => ({ label, info, type: kind }));
}

export async function expressionCompletions(expression: string, pos: number, sources: ExpressionSources): Promise<CompletionResult | null> {
  const filter = /\|\s*([\w]*)$/.exec(expression);
  if (filter) {
    const word = filter[1];
    return {
      from: pos - word.length,
      validFor: /^\w*$/,
      options: (sources.catalog?.filters ?? []).map((f) => ({
        label: f.name,
        detail: f.signature === f.name ? undefined : f.signature.slice(f.name.length),
        info: f.description || undefined,
        type: "function",
      })),
    };
  }
  const test = /\bis\s+(?:not\s+)?(\w*)$/.exec(expression);
  if (test) {
    const word = test[1];
    return { from: pos - word.length, validFor: /^\w*$/, options: (sources.catalog?.tests ?? []).map((t) => ({ label: t.name, info: t.description || undefined, type: "keyword" })) };
  }
  const chain = /([A-Za-z_][\w]*(?:\.[\w-]+|\[['"][^'"]*['"]\])*)\.([\w-]*)$/.exec(expression);
  if (chain) {
    const parts = chain[1].split(".");
    const word = chain[2];
    const from = pos - word.length;
    const options = await member(parts, sources);
    return options ? { from, options, validFor: /^[\w-]*$/ } : null;
  }
  const bare = /(?:^|[^\w.])([A-Za-z_]\w*)?$/.exec(expression);
  const word = bare?.[1] ?? "";
  return {
    from: pos - word.length,
    validFor: /^\w*$/,
    options: [
      ...named(ROOTS, "variable").map((o) => ({ ...o, boost: 1 })),
      ...(sources.catalog?.functions ?? []).map((f) => ({
        label: f.name,
        detail: f.signature.slice(f.name.length),
        info: f.description || undefined,
        type: "function",
        apply: `${f.name}(`,
      })),
    ],
  };
}

async function member(parts: string[], sources: ExpressionSources): Promise<Completion[] | null> {
  const [root, ...rest] = parts;
  if (rest.length === 0) {
    if (root === "inputs") return sources.inputs().map((id) => ({ label: id, type: "variable", detail: "input" }));
    if (root === "vars") return sources.variables().map((id) => ({ label: id, type: "variable", detail: "variable" }));
    if (root === "labels") return sources.labels().map((id) => ({ label: id, type: "variable", detail: "label" }));
    if (root === "outputs") {
      return sources.tasksBefore().map((task) => ({ label: task.id, type: "variable", detail: task.type ? task.type.slice(task.type.lastIndexOf(".") + 1) : undefined }));
    }
    const fields = FIELDS[root];
    return fields ? named(fields, "property") : null;
  }
  if (root === "outputs" && rest.length === 1) {
    const task = sources.tasksBefore().find((t) => t.id === rest[0]);
    if (!task?.type) return null;
    const outputs = await sources.outputsOf(task.type);
    return outputs.map((o) => ({ label: o.name, detail: o.type, info: o.description || undefined, type: "property" }));
  }
  return null;
}
