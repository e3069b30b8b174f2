// An ended execution's log lines read a page at a time as they scroll into view (the level and
// text filters applied by the server): opening 100,000 lines reads one page, not 30 MB. A task
// filter reads that task's lines in one request (the search has no task filter).
import { ref, shallowRef, watch, type Ref } from "vue";
import { api } from "@/lib/api";
import type { LogLine, Page } from "@/lib/executions";
import { notifyError } from "@/lib/toasts";

const PAGE = 250;
/** The server counts at most this many rows past a page (storage/paging.py COUNT_AHEAD): a
 * total that reaches past it is a lower bound, and grows as later pages are read. */
const COUNT_AHEAD = 1000;
/** Pages read at the same time while scrolling. */
const MAX_READS = 2;
/** How long the range on screen stays put before its pages are read, after a jump. */
const SETTLE_MS = 60;

export interface LogFilters {
  minLevel: string;
  taskId: string;
  query: string;
}

export function usePagedLogs(executionId: Ref<string>, filters: Ref<LogFilters>, enabled: Ref<boolean>) {
  const count = ref(0);
  const exact = ref(true);
  const loading = ref(false);
  const version = ref(0);
  let pages = new Map<number, LogLine[]>();
  const whole = shallowRef<LogLine[] | null>(null);
  let inflight = new Set<number>();
  let generation = 0;

  function params(): Record<string, string> {
    const p: Record<string, string> = {};
    if (filters.value.minLevel && filters.value.minLevel !== "TRACE") p.minLevel = filters.value.minLevel;
    return p;
  }

  /** Reads page `index` (from 0); answers how many lines it holds (-1: not read). */
  async function fetchPage(index: number): Promise<number> {
    if (pages.has(index)) return pages.get(index)!.length;
    if (inflight.has(index)) return -1;
    inflight.add(index);
    const mine = generation;
    try {
      const found = await api<Page<LogLine>>("/logs/search", {
        query: {
          executionId: executionId.value,
          sort: "timestamp:asc",
          page: index + 1,
          size: PAGE,
          q: filters.value.query || undefined,
          ...params(),
        },
      });
      if (mine !== generation) return -1;
      pages.set(index, found.results);
      const offset = index * PAGE;
      // A page past the end answers a small bounded count: only a page with lines tells more.
      if (found.results.length && found.total >= count.value) {
        count.value = found.total;
        exact.value = found.total - offset < PAGE + COUNT_AHEAD;
      }
      version.value++;
      return found.results.length;
    } catch (e) {
      if (mine === generation) notifyError(e, "Logs");
      return -1;
    } finally {
      inflight.delete(index);
      if (mine === generation) loading.value = inflight.size > 0;
    }
  }

  async function reset(): Promise<void> {
    generation++;
    wanted = null;
    clearTimeout(settle);
    pages = new Map();
    inflight = new Set();
    whole.value = null;
    count.value = 0;
    exact.value = true;
    version.value++;
    if (!enabled.value) return;
    loading.value = true;
    if (filters.value.taskId) {
      const mine = generation;
      try {
        const found = await api<LogLine[]>(`/logs/${encodeURIComponent(executionId.value)}`, {
          query: { taskId: filters.value.taskId, ...params() },
        });
        if (mine !== generation) return;
        const text = filters.value.query.toLowerCase();
        whole.value = text ? found.filter((l) => l.message.toLowerCase().includes(text)) : found;
        count.value = whole.value.length;
        version.value++;
      } catch (e) {
        notifyError(e, "Logs");
      } finally {
        if (mine === generation) loading.value = false;
      }
      return;
    }
    await fetchPage(0);
    probe();
  }

  /** While the total is a lower bound, find the end: pages further and further on, then
   * halving between the last page with lines and the first without (a few requests for
   * millions of lines), so that the count and the scroll bar are right soon after opening. */
  async function probe(): Promise<void> {
    const mine = generation;
    let lo = Math.max(0, Math.floor((count.value - 1) / PAGE));
    let hi: number | null = null;
    let step = Math.max(8, lo);
    for (let round = 0; round < 60 && !exact.value && mine === generation; round++) {
      const p: number = hi === null ? lo + step : Math.floor((lo + hi) / 2);
      if (hi !== null && p <= lo) break;
      const lines = await fetchPage(p);
      if (lines < 0) break;
      if (lines > 0) {
        lo = p;
        step *= 2;
      } else hi = p;
    }
  }

  // The range on screen, read once it has stayed put for a moment: scrolling through 100,000
  // lines passes over hundreds of pages, and reading each would fill the frames with requests,
  // JSON and re-renders of rows already gone (they show placeholders meanwhile). At most
  // MAX_READS pages are read at once, always those on screen now.
  let wanted: [number, number] | null = null;
  let settle: ReturnType<typeof setTimeout> | undefined;

  function pump(): void {
    if (!wanted || whole.value || !enabled.value) return;
    const [start, end] = wanted;
    const missing: number[] = [];
    for (let p = Math.floor(start / PAGE); p <= Math.floor(end / PAGE); p++) {
      if (!pages.has(p) && !inflight.has(p)) missing.push(p);
    }
    // Near the end of a lower-bound total: read on, the total grows.
    const next = Math.floor(count.value / PAGE);
    if (!exact.value && end >= count.value - PAGE && !pages.has(next) && !inflight.has(next)) missing.push(next);
    for (const p of missing) {
      if (inflight.size >= MAX_READS) break;
      fetchPage(p).then(pump);
    }
  }

  /** The lines `start` to `end` are on screen: read the pages they are on. */
  function want(start: number, end: number): void {
    if (whole.value || !enabled.value) return;
    const jumped = wanted !== null && Math.abs(wanted[0] - start) > PAGE;
    wanted = [start, end];
    clearTimeout(settle);
    // A small move (a wheel step, the first rows) reads at once; a long jump waits to settle.
    if (!jumped) pump();
    else settle = setTimeout(pump, SETTLE_MS);
  }

  function line(index: number): LogLine | undefined {
    if (whole.value) return whole.value[index];
    return pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  watch([executionId, filters, enabled], reset, { immediate: true, deep: true });

  return { count, exact, loading, version, line, want };
}
