// A running execution's log lines followed over SSE (its lines so far, then each new one).
// Lines land in a plain array and the view is told once per frame: a burst of lines costs one
// render, and no line is made reactive.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from "vue";
import { follow } from "@/lib/api";
import type { LogLine } from "@/lib/executions";
import { notifyError } from "@/lib/toasts";

export function useLogStream(executionId: Ref<string>, enabled: Ref<boolean>) {
  const lines = shallowRef<LogLine[]>([]);
  /** Bumped each time lines were added (or all replaced: `lines` is then a new array). */
  const version = ref(0);
  const loading = ref(false);
  let pending: LogLine[] = [];
  let frame = 0;
  let stop: (() => void) | null = null;

  function flush(): void {
    frame = 0;
    if (!pending.length) return;
    const all = lines.value;
    for (const line of pending) all.push(line);
    pending = [];
    version.value++;
  }

  function start(): void {
    stop?.();
    stop = null;
    cancelAnimationFrame(frame);
    frame = 0;
    pending = [];
    lines.value = [];
    version.value++;
    if (!enabled.value) return;
    loading.value = true;
    stop = follow(
      `/logs/${encodeURIComponent(executionId.value)}/follow`,
      (data, event) => {
        loading.value = false;
        if (event !== "message" || !data || typeof data !== "object") return;
        pending.push(data as LogLine);
        if (!frame) frame = requestAnimationFrame(flush);
      },
      (error) => {
        loading.value = false;
        stop = null;
        if (error) notifyError(error, "Live logs");
      },
    );
  }

  watch([executionId, enabled], start, { immediate: true });
  onBeforeUnmount(() => {
    stop?.();
    cancelAnimationFrame(frame);
  });

  return { lines, version, loading };
}
