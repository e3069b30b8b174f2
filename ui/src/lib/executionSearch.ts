// The executions list's search, read from the URL's query: the list page sends it, and the
// router sends the first one while the page's code loads (lib/prefetch.ts).
import type { LocationQuery } from "vue-router";
import type { Query } from "@/lib/api";
import { queryList, queryText } from "@/lib/useRouteQuery";

export interface ExecutionSearch {
  page: number;
  size: number;
  sort: string;
  namespace: string;
  flowId: string;
  state: string[];
  labels: string[];
  startDate: string;
  endDate: string;
  q: string;
}

export const DEFAULT_SORT = "state.startDate:desc";

export function executionSearch(query: LocationQuery): ExecutionSearch {
  return {
    page: Math.max(1, Number(queryText(query, "page")) || 1),
    size: Number(queryText(query, "size")) || 25,
    sort: queryText(query, "sort") || DEFAULT_SORT,
    namespace: queryText(query, "namespace"),
    flowId: queryText(query, "flowId"),
    state: queryList(query, "state"),
    labels: queryList(query, "labels"),
    startDate: queryText(query, "startDate"),
    endDate: queryText(query, "endDate"),
    q: queryText(query, "q"),
  };
}

/** The prefetch key of a search: equal searches share it. */
export function searchKey(search: ExecutionSearch): string {
  return `executions:${JSON.stringify(search)}`;
}

/** The query parameters sent: the list shows no task run, so they are left out (a page
 * holding an execution of 10,000 task runs stays quick). */
export function searchParams(search: ExecutionSearch): Record<string, string | number | boolean | string[]> {
  return { ...search, taskRuns: false };
}

/** Every execution a search matches, for the bulk actions by query: its filters (no paging),
 * and how many the list counted (`exact` false: at least that many). */
export interface Matching {
  query: Query;
  total: number;
  exact: boolean;
}

/** The most executions one bulk action takes (the server's BULK_LIMIT). */
export const BULK_LIMIT = 10_000;

export function filtersOnly(search: ExecutionSearch): Query {
  const { page: _page, size: _size, sort: _sort, ...filters } = search;
  return filters;
}
