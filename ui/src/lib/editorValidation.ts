// Live validation: the source is sent to POST /flows/validate once typing pauses (300 ms), with
// never more than one call in flight; an answer that is no longer about the current text is
// dropped and the latest text is checked next.
import { ref, type Ref } from "vue";
import { api } from "@/lib/api";

export interface Checked {
  line: number;
  column: number;
  path: string;
  message: string;
  text: string;
}

export interface Validation {
  index: number;
  flow?: string;
  namespace?: string;
  constraints?: string;
  warnings?: string[];
  problems?: Checked[];
  notices?: Checked[];
}

export interface Validator {
  /** The last answer (for the text in `checkedText`). */
  result: Ref<Validation | null>;
  checkedText: Ref<string>;
  /** A call is in flight or waiting for typing to pause. */
  pending: Ref<boolean>;
  /** A request failed for another reason than the flow (network, server): its message. */
  failure: Ref<string>;
  /** Ask for a check of `text` (debounced). */
  check: (text: string) => void;
  /** Check `text` now and wait for the answer. */
  now: (text: string) => Promise<Validation | null>;
  stop: () => void;
}

export function useValidator(delay = 300, onResult?: (result: Validation, text: string, ms: number) => void): Validator {
  const result = ref<Validation | null>(null);
  const checkedText = ref("");
  const pending = ref(false);
  const failure = ref("");
  let latest = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<Validation | null> | null = null;
  let stopped = false;

  async function run(): Promise<Validation | null> {
    if (inFlight) return inFlight;
    const text = latest;
    const started = performance.now();
    inFlight = (async () => {
      try {
        const [answer] = await api<Validation[]>("/flows/validate", { method: "POST", body: text, contentType: "application/x-yaml" });
        failure.value = "";
        const found = answer ?? { index: 0, problems: [{ line: 1, column: 1, path: "", message: "empty source: there is no flow in it", text: "" }] };
        if (!stopped) {
          result.value = found;
          checkedText.value = text;
          onResult?.(found, text, performance.now() - started);
        }
        return found;
      } catch (error) {
        failure.value = error instanceof Error ? error.message : String(error);
        return null;
      } finally {
        inFlight = null;
      }
    })();
    const answer = await inFlight;
    // Typed while the call was out: check the newest text (one call at a time).
    if (latest !== text && !stopped && !timer) return run();
    pending.value = Boolean(timer);
    return answer;
  }

  function check(text: string): void {
    latest = text;
    pending.value = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, delay);
  }

  async function now(text: string): Promise<Validation | null> {
    latest = text;
    clearTimeout(timer);
    timer = undefined;
    if (inFlight) await inFlight;
    if (checkedText.value === text && result.value) return result.value;
    pending.value = true;
    return run();
  }

  return { result, checkedText, pending, failure, check, now, stop: () => ((stopped = true), clearTimeout(timer)) };
}
