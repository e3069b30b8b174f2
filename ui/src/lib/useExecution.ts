// One execution kept up to date: read once, then followed over SSE while it has not ended.
// Held in a shallowRef: each change replaces the whole object, so 10,000 task runs cost no deep
// reactivity.
import { onBeforeUnmount, shallowRef, watch, type Ref } from "vue";
import { ApiError, follow } from "@/lib/api";
import { getExecution, type Execution } from "@/lib/executions";
import { takePrefetched } from "@/lib/prefetch";
import { isTerminal } from "@/lib/states";

export function useExecution(id: Ref<string>) {
  const execution = shallowRef<Execution | null>(null);
  const error = shallowRef("");
  let stop: (() => void) | null = null;

  function stopFollowing(): void {
    stop?.();
    stop = null;
  }

  function startFollowing(): void {
    stopFollowing();
    const wanted = id.value;
    stop = follow(
      `/executions/${encodeURIComponent(wanted)}/follow`,
      (data, event) => {
        if (event === "message" && data && typeof data === "object" && wanted === id.value) {
          execution.value = Object.freeze(data) as Execution;
        }
      },
      () => {
        stop = null;
      },
    );
  }

  /**
   * Reads it again and follows it if it runs. After an action (`acted`: a restart, a resume, a
   * state change), the executor applies it a moment after the API took it: while the execution
   * still reads as ended with no new state, it is read again, for a few seconds at most.
   */
  async function reload(acted = false): Promise<void> {
    const wanted = id.value;
    const seen = execution.value?.state.histories.length ?? 0;
    try {
      // The router asked for it while this page's code loaded (lib/prefetch.ts).
      let found = (!acted && (await takePrefetched<Execution>(`execution:${wanted}`))) || (await getExecution(wanted));
      for (let tries = 0; acted && tries < 20; tries++) {
        if (!isTerminal(found.state.current) || found.state.histories.length > seen) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (wanted !== id.value) return;
        found = await getExecution(wanted);
      }
      if (wanted !== id.value) return;
      execution.value = Object.freeze(found);
      error.value = "";
      if (!isTerminal(found.state.current)) startFollowing();
    } catch (e) {
      error.value = e instanceof ApiError && e.status === 404 ? `Execution '${wanted}' not found` : String(e instanceof Error ? e.message : e);
    }
  }

  watch(
    id,
    () => {
      stopFollowing();
      execution.value = null;
      reload(false);
    },
    { immediate: true },
  );
  onBeforeUnmount(stopFollowing);

  return { execution, error, reload };
}
