// Kestra's log levels, most severe first, with their colours.
export const LEVELS = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"] as const;

export function levelColor(level: string): string {
  switch (level) {
    case "ERROR":
      return "var(--state-failed)";
    case "WARN":
      return "var(--state-warning)";
    case "INFO":
      return "var(--state-running)";
    default:
      return "var(--state-other)";
  }
}
