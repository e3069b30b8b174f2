// Kestra's execution, task run and log shapes as the API answers them, and the small helpers the
// execution pages share (task-run tree, durations, links).

import { api, raw } from "@/lib/api";
import { parseIsoDuration } from "@/lib/format";

export interface StateHistory {
  state: string;
  date: string;
}

export interface RunState {
  current: string;
  histories: StateHistory[];
  startDate: string;
  endDate: string | null;
  duration: string;
}

export interface Attempt {
  state: RunState;
}

export interface TaskRun {
  id: string;
  executionId: string;
  namespace: string;
  flowId: string;
  taskId: string;
  parentTaskRunId: string | null;
  value: string | null;
  iteration: number | null;
  attempts: Attempt[] | null;
  outputs: Record<string, unknown> | null;
  state: RunState;
}

export interface Label {
  key: string;
  value: string;
}

export interface Execution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: RunState;
  taskRunList: TaskRun[] | null;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  labels: Label[] | null;
  parentId: string | null;
  originalId: string | null;
  trigger: { id: string; type: string; variables?: Record<string, unknown> | null } | null;
  scheduleDate: string | null;
}

export interface LogLine {
  taskId: string | null;
  taskRunId: string | null;
  attemptNumber: number | null;
  timestamp: string;
  level: string;
  message: string;
  executionId?: string | null;
  namespace?: string;
  flowId?: string;
}

export interface Page<T> {
  results: T[];
  total: number;
}

export const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] as const;

export function levelRank(level: string): number {
  const index = (LEVELS as readonly string[]).indexOf(level);
  return index < 0 ? 2 : index;
}

/** Seconds from the first state to the end (or to `now` while it runs). */
export function runSeconds(state: RunState, now = Date.now()): number {
  const start = Date.parse(state.startDate);
  const end = state.endDate ? Date.parse(state.endDate) : null;
  if (end !== null) return (end - start) / 1000;
  const parsed = parseIsoDuration(state.duration);
  const running = (now - start) / 1000;
  return Math.max(parsed ?? 0, running);
}

export function executionPath(execution: { namespace: string; flowId: string; id: string }): string {
  return `/executions/${encodeURIComponent(execution.namespace)}/${encodeURIComponent(execution.flowId)}/${encodeURIComponent(execution.id)}`;
}

export function flowPath(namespace: string, flowId: string): string {
  return `/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`;
}

export interface TreeRow {
  run: TaskRun;
  depth: number;
}

/**
 * Task runs in the order a reader expects: each parent followed by its children (nesting by
 * `parentTaskRunId`), siblings in the order they were created. O(n) for any size.
 */
export function taskRunTree(runs: TaskRun[]): TreeRow[] {
  const children = new Map<string | null, TaskRun[]>();
  const ids = new Set(runs.map((run) => run.id));
  for (const run of runs) {
    const parent = run.parentTaskRunId && ids.has(run.parentTaskRunId) ? run.parentTaskRunId : null;
    const list = children.get(parent);
    if (list) list.push(run);
    else children.set(parent, [run]);
  }
  const rows: TreeRow[] = [];
  const stack: TreeRow[] = (children.get(null) ?? []).map((run) => ({ run, depth: 0 })).reverse();
  while (stack.length) {
    const row = stack.pop()!;
    rows.push(row);
    const kids = children.get(row.run.id);
    if (kids) for (let i = kids.length - 1; i >= 0; i--) stack.push({ run: kids[i], depth: row.depth + 1 });
  }
  return rows;
}

/** Downloads a file the API serves behind credentials: fetch it, then save it as a blob. */
export async function saveDownload(path: string, query: Record<string, string>, fallbackName: string): Promise<void> {
  const response = await raw(path, { query });
  const disposition = response.headers.get("content-disposition") ?? "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function getExecution(id: string): Promise<Execution> {
  return api<Execution>(`/executions/${encodeURIComponent(id)}`);
}

/** `kestra://` URIs among a value's leaves, with the path to each. */
export function isStorageUri(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("kestra://");
}
