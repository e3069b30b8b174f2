// Error and success notices shown in the corner, each gone after a few seconds.
import { reactive } from "vue";
import { ApiError } from "@/lib/api";

export interface Toast {
  id: number;
  kind: "error" | "success" | "info";
  text: string;
}

export const toasts = reactive<Toast[]>([]);
let next = 1;

export function notify(text: string, kind: Toast["kind"] = "info", ms = 5000): void {
  const toast = { id: next++, kind, text };
  toasts.push(toast);
  setTimeout(() => dismiss(toast.id), ms);
}

export function dismiss(id: number): void {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

/** Shows why a call failed; the server's message names what is wrong. */
export function notifyError(error: unknown, context = ""): void {
  const text =
    error instanceof ApiError
      ? error.errors.length
        ? `${error.message}: ${error.errors.map((e) => (e.path ? `${e.path}: ` : "") + (e.message ?? "")).join("; ")}`
        : error.message
      : error instanceof Error
        ? error.message
        : String(error);
  notify(context ? `${context}: ${text}` : text, "error", 8000);
}
