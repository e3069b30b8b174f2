import { createApp } from "vue";
import App from "@/App.vue";
import { loadConfig } from "@/lib/api";
import "@/lib/theme";
import { router } from "@/router";
import "@/style.css";

loadConfig().finally(() => createApp(App).use(router).mount("#app"));
