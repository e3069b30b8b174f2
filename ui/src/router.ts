// Kestra-like URLs under /ui/. Every page loads lazily: the first page's JavaScript stays small.
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { api } from "@/lib/api";
import { executionSearch, searchKey, searchParams } from "@/lib/executionSearch";
import { prefetch } from "@/lib/prefetch";

const routes: RouteRecordRaw[] = [
  { path: "/", redirect: "/dashboard" },
  { path: "/dashboard", name: "dashboard", component: () => import("@/views/DashboardView.vue") },
  { path: "/flows", name: "flows", component: () => import("@/views/FlowsView.vue") },
  { path: "/flows/new", name: "flow-create", component: () => import("@/views/FlowEditorView.vue") },
  {
    path: "/flows/edit/:namespace/:id",
    name: "flow-edit",
    component: () => import("@/views/FlowEditorView.vue"),
    props: true,
  },
  {
    path: "/flows/:namespace/:id/:tab?",
    name: "flow",
    component: () => import("@/views/FlowView.vue"),
    props: true,
  },
  { path: "/executions", name: "executions", component: () => import("@/views/ExecutionsView.vue") },
  {
    path: "/executions/:namespace/:flowId/:id/:tab?",
    name: "execution",
    component: () => import("@/views/ExecutionView.vue"),
    props: true,
  },
  { path: "/logs", name: "logs", component: () => import("@/views/LogsView.vue") },
  { path: "/namespaces", name: "namespaces", component: () => import("@/views/NamespacesView.vue") },
  {
    path: "/namespaces/:namespace/:tab?",
    name: "namespace",
    component: () => import("@/views/NamespaceView.vue"),
    props: true,
  },
  { path: "/kv", name: "kv", component: () => import("@/views/KvView.vue") },
  { path: "/blueprints", name: "blueprints", component: () => import("@/views/BlueprintsView.vue") },
  { path: "/triggers", name: "triggers", component: () => import("@/views/TriggersView.vue") },
  { path: "/plugins", name: "plugins", component: () => import("@/views/PluginsView.vue") },
  {
    path: "/plugins/:cls",
    name: "plugin",
    component: () => import("@/views/PluginView.vue"),
    props: true,
  },
  { path: "/:pathMatch(.*)*", name: "not-found", component: () => import("@/views/NotFoundView.vue") },
];

export const router = createRouter({ history: createWebHistory("/ui/"), routes });

// Opening an execution: its (possibly large) answer is asked for at once, while the page's code
// loads, not after (lib/useExecution.ts takes it). Switching tabs of the same one asks nothing.
// Entering the executions list: its first page likewise.
router.beforeEach((to, from) => {
  if (to.name === "executions" && from.name !== "executions") {
    const search = executionSearch(to.query);
    prefetch(searchKey(search), () => api("/executions/search", { query: searchParams(search) }));
    return;
  }
  const id = to.params.id;
  if (to.name !== "execution" || typeof id !== "string") return;
  if (from.name === "execution" && from.params.id === id) return;
  prefetch(`execution:${id}`, () => api(`/executions/${encodeURIComponent(id)}`));
});
