// Live validation: the source is sent to POST /flows/validate once typing pauses. A newer text
// never waits behind an older one: the call about the older text is aborted and the newest
// text is sent at once, so an answer always arrives one round trip after typing paused.
// Each call is timed (User Timing: `tiercel:validate` for the round trip, `tiercel:markers` is
// added by the editor), so the browser benchmark and a performance trace can tell the parts.
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

/** The name of the User Timing measure of each validation round trip. */
export const VALIDATE_MEASURE = "tiercel:validate";

export function useValidator(delay = 300, onResult?: (result: Validation, text: string, ms: number) => void): Validator {
  const result = ref<Validation | null>(null);
  const checkedText = ref("");
  const pending = ref(false);
  const failure = ref("");
  let latest = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The call out now: its text, its abort switch and its answer; a pinned one (a save waits
   * for it) is never aborted. */
  let current: { text: string; controller: AbortController; answer: Promise<Validation | null>; pinned: boolean } | null = null;
  let stopped = false;
  let sent = 0;
  let shown = 0; // the newest call whose answer is shown: an older one never replaces it

  function send(text: string, pinned = false): Promise<Validation | null> {
    if (current?.text === text) {
      current.pinned ||= pinned;
      return current.answer;
    }
    if (!current?.pinned) current?.controller.abort(); // an older text: its answer is dropped anyway
    const controller = new AbortController();
    const started = performance.now();
    const order = ++sent;
    const answer = (async (): Promise<Validation | null> => {
      try {
        const options = { method: "POST", body: text, contentType: "application/x-yaml", signal: controller.signal };
        const [found] = await api<Validation[]>("/flows/validate", options);
        const ended = performance.now();
        performance.measure(VALIDATE_MEASURE, { start: started, end: ended });
        failure.value = "";
        const entry = found ?? { index: 0, problems: [{ line: 1, column: 1, path: "", message: "empty source: there is no flow in it", text: "" }] };
        if (!stopped && !controller.signal.aborted && order > shown) {
          shown = order;
          result.value = entry;
          checkedText.value = text;
          onResult?.(entry, text, ended - started);
        }
        return entry;
      } catch (error) {
        if (controller.signal.aborted) return null;
        failure.value = error instanceof Error ? error.message : String(error);
        return null;
      } finally {
        if (current?.controller === controller) {
          current = null;
          pending.value = Boolean(timer);
        }
      }
    })();
    current = { text, controller, answer, pinned };
    return answer;
  }

  function check(text: string): void {
    latest = text;
    pending.value = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void send(latest);
    }, delay);
  }

  async function now(text: string): Promise<Validation | null> {
    latest = text;
    clearTimeout(timer);
    timer = undefined;
    if (checkedText.value === text && result.value && current?.text !== text) return result.value;
    pending.value = true;
    return send(text, true);
  }

  function stop(): void {
    stopped = true;
    clearTimeout(timer);
    current?.controller.abort();
  }

  return { result, checkedText, pending, failure, check, now, stop };
}
