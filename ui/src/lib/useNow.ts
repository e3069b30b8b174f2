// A clock that ticks while `active` is true: running bars and durations grow without a reload.
import { onBeforeUnmount, ref, watch, type Ref } from "vue";

export function useNow(active: Ref<boolean>, ms = 500): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  watch(
    active,
    (on) => {
      clearInterval(timer);
      now.value = Date.now();
      if (on) timer = setInterval(() => (now.value = Date.now()), ms);
    },
    { immediate: true },
  );
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
