// Filters kept in the URL's query: reading them, and writing a change back (replacing the history
// entry, so Back leaves the page rather than undoing each keystroke).
import { computed } from "vue";
import { useRoute, useRouter, type LocationQuery } from "vue-router";

export function queryList(query: LocationQuery, key: string): string[] {
  const value = query[key];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && v !== "");
}

export function queryText(query: LocationQuery, key: string): string {
  return queryList(query, key)[0] ?? "";
}

export function useRouteQuery() {
  const route = useRoute();
  const router = useRouter();
  const query = computed(() => route.query);

  function update(changes: Record<string, string | string[] | number | undefined>, resetPage = true): void {
    const next: LocationQuery = { ...route.query };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) delete next[key];
      else next[key] = Array.isArray(value) ? value : String(value);
    }
    if (resetPage && !("page" in changes)) delete next.page;
    router.replace({ query: next });
  }

  return { query, update };
}
