// Kestra's KV types: how a typed value is checked in the form and sent to the server (the PUT
// body is parsed there: JSON text, or bare ISO dates, date-times and durations).

export const KV_TYPES = ["STRING", "NUMBER", "BOOLEAN", "DATETIME", "DATE", "DURATION", "JSON"] as const;
export type KvType = (typeof KV_TYPES)[number];

// What java.time.Duration.parse reads (days, hours, minutes, seconds), as the server does.
const DURATION = /^[-+]?P(?=\d|T)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d{1,9})?S)?)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** Why the key cannot be used, or "". */
export function keyProblem(key: string): string {
  if (!key.trim()) return "Give a key.";
  return KEY.test(key.trim()) ? "" : "A key holds letters, digits, '.', '-' and '_' only, and starts with a letter or digit.";
}

/** Why `value` is not a valid value of `type`, or "". */
export function valueProblem(type: KvType, value: string): string {
  const text = value.trim();
  switch (type) {
    case "STRING":
      return value === "" ? "Give a value." : "";
    case "NUMBER":
      return text !== "" && Number.isFinite(Number(text)) ? "" : `"${text}" is not a number.`;
    case "BOOLEAN":
      return text === "true" || text === "false" ? "" : "Choose true or false.";
    case "DATE":
      return DATE.test(text) && !Number.isNaN(Date.parse(text)) ? "" : `"${text}" is not a date (2042-04-02).`;
    case "DATETIME":
      return DATETIME.test(text) && !Number.isNaN(Date.parse(text)) ? "" : `"${text}" is not a date-time with its offset (2042-04-02T04:20:42Z).`;
    case "DURATION":
      return isDuration(text) ? "" : `"${text}" is not an ISO-8601 duration (PT1H30M, P2D; days at most: no months nor years).`;
    case "JSON":
      try {
        const parsed: unknown = JSON.parse(text);
        return parsed !== null && typeof parsed === "object" ? "" : "JSON values are an object or an array; use another type for a single value.";
      } catch (error) {
        return `Invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
  }
}

/** Why the expiry is refused, or "" (empty means never). */
export function ttlProblem(ttl: string): string {
  if (!ttl.trim()) return "";
  if (!isDuration(ttl) || ttl.trim().startsWith("-")) return `"${ttl.trim()}" is not a positive ISO-8601 duration (PT1H, P7D).`;
  return "";
}

/** The PUT body: a STRING is sent as JSON text so that "42" or "true" stay text. */
export function bodyOf(type: KvType, value: string): string {
  return type === "STRING" ? JSON.stringify(value) : value.trim();
}

/** A stored value as the form edits it. */
export function editable(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

export const TTL_CHOICES = [
  { label: "Never", value: "" },
  { label: "1 hour", value: "PT1H" },
  { label: "1 day", value: "P1D" },
  { label: "7 days", value: "P7D" },
  { label: "30 days", value: "P30D" },
];

/** The KV form's fields. */
export interface KvForm {
  key: string;
  type: KvType;
  value: string;
  description: string;
  ttl: string;
  isNew: boolean;
  /** When the key expires now, for an edit. */
  expires?: string | null;
}
