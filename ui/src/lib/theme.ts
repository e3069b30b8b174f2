// Light and dark themes: CSS variables under [data-theme], the choice kept in localStorage.
import { ref, watch } from "vue";

const KEY = "tiercel.theme";
type Theme = "light" | "dark";

function initial(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export const theme = ref<Theme>(initial());

watch(
  theme,
  (value) => {
    document.documentElement.dataset.theme = value;
    localStorage.setItem(KEY, value);
  },
  { immediate: true },
);

export function toggleTheme(): void {
  theme.value = theme.value === "dark" ? "light" : "dark";
}
