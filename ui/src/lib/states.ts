// Kestra's execution and task-run states, with the colour each is shown in.

export const STATES = [
  "CREATED",
  "QUEUED",
  "RUNNING",
  "PAUSED",
  "RESTARTED",
  "KILLING",
  "SUCCESS",
  "WARNING",
  "FAILED",
  "KILLED",
  "CANCELLED",
  "RETRYING",
  "RETRIED",
  "SKIPPED",
  "BREAKPOINT",
] as const;

export type StateName = (typeof STATES)[number];

const TERMINAL = new Set(["SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED", "RETRIED", "SKIPPED"]);

export function isTerminal(state: string | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}

/** A CSS colour variable per state, defined in style.css for both themes. */
export function stateColor(state: string | undefined): string {
  switch (state) {
    case "SUCCESS":
      return "var(--state-success)";
    case "WARNING":
      return "var(--state-warning)";
    case "FAILED":
      return "var(--state-failed)";
    case "RUNNING":
    case "KILLING":
    case "RETRYING":
      return "var(--state-running)";
    case "PAUSED":
    case "QUEUED":
    case "CREATED":
    case "BREAKPOINT":
    case "RESTARTED":
      return "var(--state-waiting)";
    default:
      return "var(--state-other)";
  }
}
