// The REST client: every call goes through `api()`, which adds the credentials kept after the
// login form and turns an error answer into an ApiError carrying the server's message.

import { reactive } from "vue";

export const BASE = "/api/v1/main";

const CREDENTIALS_KEY = "tiercel.credentials";

export const session = reactive({
  /** Whether the server asks for credentials (from GET /api/v1/configs). */
  authRequired: false,
  /** Set when a call was refused for want of credentials: the shell shows the login form. */
  loginNeeded: false,
  version: "",
});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: { path?: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

export function setCredentials(user: string, password: string): void {
  // btoa handles Latin-1 only: encode UTF-8 first so any user name or password can be sent.
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  sessionStorage.setItem(CREDENTIALS_KEY, btoa(String.fromCharCode(...bytes)));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(CREDENTIALS_KEY);
}

export function authHeaders(): Record<string, string> {
  const headers: Record<string, string> = { "X-Requested-With": "XMLHttpRequest" };
  const token = sessionStorage.getItem(CREDENTIALS_KEY);
  if (token) headers.Authorization = `Basic ${token}`;
  return headers;
}

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

/** `path` relative to the tenant prefix (`/executions/search`) or absolute (`/api/v1/configs`). */
export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  const full = path.startsWith("/api/") ? path : BASE + path;
  return text ? `${full}?${text}` : full;
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  /** A plain object or array is sent as JSON; FormData and strings as they are. */
  body?: unknown;
  contentType?: string;
  /** Extra request headers (KV's `ttl` and `description`...). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function raw(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = { ...authHeaders(), ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || typeof options.body === "string") {
    body = options.body;
    if (options.contentType) headers["Content-Type"] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url(path, options.query), {
    method: options.method ?? "GET",
    headers,
    body,
    signal: options.signal,
  });
  if (!response.ok) throw await toError(response);
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await raw(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json() : await response.text()) as T;
}

async function toError(response: Response): Promise<ApiError> {
  if (response.status === 401) session.loginNeeded = true;
  let message = `${response.status} ${response.statusText}`;
  let errors: { path?: string; message?: string }[] = [];
  try {
    const body = await response.json();
    if (body?.message) message = body.message;
    errors = body?._embedded?.errors ?? [];
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, message, errors);
}

/**
 * Follows a server-sent event stream with fetch (EventSource cannot send the Authorization
 * header). Calls `onEvent` with each event's parsed JSON data; returns a function that stops.
 */
export function follow(
  path: string,
  onEvent: (data: unknown, event: string) => void,
  onEnd: (error?: unknown) => void = () => {},
  query: Query = {},
): () => void {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await raw(path, { query, signal: controller.signal });
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end), onEvent);
          buffer = buffer.slice(end + 2);
        }
      }
      onEnd();
    } catch (error) {
      if (!controller.signal.aborted) onEnd(error);
    }
  })();
  return () => controller.abort();
}

function dispatch(block: string, onEvent: (data: unknown, event: string) => void): void {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return;
  const text = data.join("\n");
  try {
    onEvent(JSON.parse(text), event);
  } catch {
    onEvent(text, event);
  }
}

export async function loadConfig(): Promise<void> {
  try {
    const config = await api<{ version?: string; authRequired?: boolean }>("/api/v1/configs");
    session.authRequired = Boolean(config.authRequired);
    session.version = config.version ?? "";
    // Ask for credentials at once rather than after the first refused call.
    if (session.authRequired && !sessionStorage.getItem(CREDENTIALS_KEY)) session.loginNeeded = true;
  } catch {
    // An older server without /configs: a 401 on the first call shows the login form anyway.
  }
}
