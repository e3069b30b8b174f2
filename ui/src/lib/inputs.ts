// The Execute form: each Kestra input type as a field value, and the multipart body it sends.
import type { FlowInput } from "@/lib/kestra";

/** A field's value: text for most types, a list for MULTISELECT, a File for FILE. */
export type FieldValue = string | string[] | File | null;

export function inputType(input: FlowInput): string {
  const type = input.type.toUpperCase();
  return type === "BOOL" ? "BOOLEAN" : type === "ENUM" ? "SELECT" : type;
}

export function choices(input: FlowInput): string[] {
  return (input.values ?? input.options ?? []).map(String);
}

function text(value: unknown, type: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (type === "YAML" && typeof value === "object") return JSON.stringify(value, null, 2);
  return typeof value === "object" ? JSON.stringify(value, null, 2) : String(value);
}

/** `2042-04-02T04:20:42Z` as a datetime-local field shows it (local time). */
function localDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The field's first value: the input's defaults (or prefill), in the field's format. */
export function initialValue(input: FlowInput): FieldValue {
  const type = inputType(input);
  const given = input.defaults ?? input.prefill;
  if (type === "FILE") return null;
  if (type === "MULTISELECT") return Array.isArray(given) ? given.map(String) : given ? [String(given)] : [];
  if (type === "DATETIME" && typeof given === "string") return localDateTime(given);
  return text(given, type);
}

export function isEmpty(value: FieldValue): boolean {
  if (value === null || value === "") return true;
  return Array.isArray(value) && value.length === 0;
}

/** Whether an input is shown: every input it depends on has a value. */
export function visible(input: FlowInput, values: Record<string, FieldValue>): boolean {
  return (input.dependsOn?.inputs ?? []).every((id) => !isEmpty(values[id] ?? null));
}

/**
 * The multipart form the server reads (`POST /executions/{ns}/{id}`): a field per input with a
 * value (and shown: `shows`); MULTISELECT as a JSON array, DATETIME as an ISO instant, FILE as
 * the file itself.
 */
export function formData(
  inputs: FlowInput[],
  values: Record<string, FieldValue>,
  shows: (input: FlowInput) => boolean = (input) => visible(input, values),
): FormData {
  const form = new FormData();
  for (const input of inputs) {
    const value = values[input.id] ?? null;
    if (value === null || !shows(input) || isEmpty(value)) continue;
    const type = inputType(input);
    if (value instanceof File) form.append(input.id, value, value.name);
    else if (Array.isArray(value)) form.append(input.id, JSON.stringify(value));
    else if (type === "DATETIME") {
      const date = new Date(value);
      form.append(input.id, Number.isNaN(date.getTime()) ? value : date.toISOString());
    } else form.append(input.id, value);
  }
  return form;
}
