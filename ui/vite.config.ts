import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

// The build lands inside the Python package, so `pip install tiercel` serves the UI with no Node.
export default defineConfig({
  base: "/ui/",
  plugins: [vue()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    outDir: "../src/tiercel/webui/dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a local server: `tiercel server local` on 8080.
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
