// An execution's log lines, read in one request when it has ended, else followed over SSE
// (history then live lines). Lines land in a plain array and the view is told once per frame:
// 100,000 lines cost no reactivity, and a burst of lines costs one render.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from "vue";
import { api, follow } from "@/lib/api";
import type { LogLine } from "@/lib/executions";
import { notifyError } from "@/lib/toasts";

export function useLogStream(executionId: Ref<string>, ended: Ref<boolean>) {
  const lines = shallowRef<LogLine[]>([]);
  /** Bumped each time lines were added; `added` is how many lines came with that bump. */
  const version = ref(0);
  const loading = ref(true);
  let added = 0;
  let pending: LogLine[] = [];
  let frame = 0;
  let stop: (() => void) | null = null;

  function flush(): void {
    frame = 0;
    if (!pending.length) return;
    const all = lines.value;
    for (const line of pending) all.push(line);
    added = pending.length;
    pending = [];
    version.value++;
  }

  function start(): void {
    stop?.();
    stop = null;
    lines.value = [];
    pending = [];
    loading.value = true;
    version.value++;
    const id = executionId.value;
    if (ended.value) {
      api<LogLine[]>(`/logs/${encodeURIComponent(id)}`)
        .then((found) => {
          if (id !== executionId.value) return;
          lines.value = found;
          added = found.length;
          version.value++;
        })
        .catch((e) => notifyError(e, "Logs"))
        .finally(() => (loading.value = false));
      return;
    }
    stop = follow(
      `/logs/${encodeURIComponent(id)}/follow`,
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

  watch(executionId, start, { immediate: true });
  // A restarted execution runs again: follow it again (lines are read from the start).
  watch(ended, (now, before) => {
    if (before && !now) start();
  });
  onBeforeUnmount(() => {
    stop?.();
    cancelAnimationFrame(frame);
  });

  return { lines, version, loading, lastAdded: () => added };
}
