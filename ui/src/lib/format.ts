// Dates, durations and sizes as the pages show them.

/** Kestra's durations are ISO-8601 (`PT1.234S`); the UI shows `1.23s`, `2m 5s`, `1h 2m`. */
export function parseIsoDuration(text: string | null | undefined): number | null {
  if (!text) return null;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(text);
  if (!match) return null;
  const [, d, h, m, s] = match;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60 + Number(s ?? 0);
}

export function humanDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${Math.round(seconds % 60)}s`;
  const h = Math.floor(m / 60);
  return h < 24 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

// One formatter for every date shown: `toLocaleString()` builds a new one at each call.
let dateTimeFormat: Intl.DateTimeFormat | null = null;

export function dateTime(text: string | null | undefined): string {
  if (!text) return "";
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  return dateTimeFormat.format(date);
}

export function relative(text: string | null | undefined, now = Date.now()): string {
  if (!text) return "";
  const seconds = (now - new Date(text).getTime()) / 1000;
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function bytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

/** A log line's time of day, local, to the millisecond (`14:03:07.042`). Built by hand: the
 * locale formatters cost too much for thousands of lines a second while scrolling. */
export function clockTime(stamp: string): string {
  const d = new Date(stamp);
  if (Number.isNaN(d.getTime())) return stamp;
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  const ms = d.getMilliseconds();
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}`;
}
