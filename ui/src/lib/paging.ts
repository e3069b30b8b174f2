// Server paging kept in the URL: `page` and `size` query parameters, and a reload on change.
import { computed, type Ref } from "vue";
import { useRoute, useRouter } from "vue-router";

export function useUrlQuery() {
  const route = useRoute();
  const router = useRouter();

  function get(key: string, fallback = ""): string {
    const value = route.query[key];
    return (Array.isArray(value) ? value[0] : value) ?? fallback;
  }

  /** Replaces some query parameters (an empty value removes one); paging restarts at 1. */
  function set(changes: Record<string, string | number | undefined>, keepPage = false): void {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(route.query)) {
      if (typeof value === "string") query[key] = value;
    }
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === "") delete query[key];
      else query[key] = String(value);
    }
    if (!keepPage && !("page" in changes)) delete query.page;
    router.replace({ query });
  }

  const page = computed(() => Math.max(1, Number(get("page", "1")) || 1));
  const size = computed(() => Math.min(500, Math.max(5, Number(get("size", "25")) || 25)));
  return { route, get, set, page, size };
}

export function pageCount(total: Ref<number>, size: Ref<number>) {
  return computed(() => Math.max(1, Math.ceil(total.value / size.value)));
}
