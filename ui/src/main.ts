import { createApp } from "vue";
import App from "@/App.vue";
import { loadConfig } from "@/lib/api";
import "@/lib/theme";
import { router } from "@/router";
import "@/style.css";
// The small components and helpers nearly every page uses ship with the first file: a first load
// then fetches its page's chunk alone, not ten little shared ones (each a round trip to a busy
// server).
import "@/components/EmptyState.vue";
import "@/components/PageHeader.vue";
import "@/components/StateBadge.vue";
import "@/components/ConfirmDialog.vue";
import "@/lib/executions";
import "@/lib/format";

// Installing the router starts the first navigation (the page's code, and the data a route
// prefetches) while the server's configuration is read: the two round trips overlap. The app
// mounts once both are done, so a server that asks for credentials shows the login form at once.
const app = createApp(App).use(router);
Promise.allSettled([loadConfig(), router.isReady()]).finally(() => app.mount("#app"));
