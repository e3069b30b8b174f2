// The Kestra JSON shapes the flow, namespace, trigger and plugin pages read (only the fields used).

export interface Label {
  key: string;
  value: string;
}

export interface DependsOn {
  inputs?: string[];
  condition?: string;
}

export interface FlowInput {
  id: string;
  type: string;
  description?: string;
  displayName?: string;
  required?: boolean;
  defaults?: unknown;
  prefill?: unknown;
  dependsOn?: DependsOn;
  values?: string[];
  options?: string[];
  itemType?: string;
  min?: number | string;
  max?: number | string;
  validator?: string;
  expression?: string;
  allowCustomValue?: boolean;
  isRadio?: boolean;
  extension?: string;
  allowedFileExtensions?: string[];
}

export interface FlowTrigger {
  id: string;
  type: string;
  description?: string;
  disabled?: boolean;
  cron?: string;
}

export interface Flow {
  id: string;
  namespace: string;
  revision: number;
  description?: string;
  disabled?: boolean;
  deleted?: boolean;
  updated?: string;
  labels?: Label[] | Record<string, string>;
  inputs?: FlowInput[];
  triggers?: FlowTrigger[];
  tasks?: { id: string; type: string }[];
  source?: string;
}

export interface Revision {
  revision: number;
  updated?: string;
  source: string;
}

export interface Paged<T> {
  results: T[];
  total: number;
}

export interface TriggerContext {
  namespace: string;
  flowId: string;
  triggerId: string;
  date?: string | null;
  nextExecutionDate?: string | null;
  backfill?: Record<string, unknown> | null;
  disabled?: boolean;
  executionId?: string | null;
  updatedDate?: string | null;
}

export interface TriggerItem {
  abstractTrigger: FlowTrigger;
  triggerContext: TriggerContext;
}

export interface LogEntry {
  namespace: string;
  flowId: string;
  executionId?: string | null;
  taskId?: string | null;
  taskRunId?: string | null;
  triggerId?: string | null;
  timestamp: string;
  level: string;
  message: string;
  attemptNumber?: number;
}

export interface TaskRunLite {
  id: string;
  taskId: string;
  value?: string | null;
  state: { current: string };
}

export interface ExecutionLite {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number | null;
  state: { current: string; startDate?: string | null; duration?: string | null; endDate?: string | null };
  taskRunList?: TaskRunLite[] | null;
  labels?: Label[] | null;
}

/** Labels as Kestra writes them: a list of {key, value} or (older flows) a map. */
export function labelList(labels: Flow["labels"]): Label[] {
  if (!labels) return [];
  if (Array.isArray(labels)) return labels;
  return Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }));
}

/** The part of a plugin type after its package: `io.kestra.plugin.core.log.Log` -> `Log`. */
export function shortType(type: string | undefined): string {
  if (!type) return "";
  return type.slice(type.lastIndexOf(".") + 1);
}

/** The Kestra states of an execution's task runs by task id (the worst one when a task ran many times). */
export function taskStates(execution: ExecutionLite | null | undefined): Record<string, string> {
  const rank = (s: string) =>
    ["FAILED", "KILLED", "RUNNING", "KILLING", "RETRYING", "WARNING", "PAUSED", "CREATED", "SUCCESS"].indexOf(s);
  const states: Record<string, string> = {};
  for (const run of execution?.taskRunList ?? []) {
    const current = run.state.current;
    const before = states[run.taskId];
    if (before === undefined || (rank(current) >= 0 && (rank(before) < 0 || rank(current) < rank(before))))
      states[run.taskId] = current;
  }
  return states;
}
