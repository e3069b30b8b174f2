// Work that can wait for the page to be idle (between frames, no input pending), with a bound
// on the wait so that it happens even while the user keeps typing.

/** Run `work` when the page is idle, within `timeout` ms at the latest; returns a handle. */
export function whenIdle(work: () => void, timeout = 1000): number {
  if (typeof requestIdleCallback === "function") return requestIdleCallback(() => work(), { timeout });
  return window.setTimeout(work, 50);
}

/** Cancel work asked with `whenIdle` (nothing when `handle` is undefined or done). */
export function cancelIdle(handle: number | undefined): void {
  if (handle === undefined) return;
  if (typeof cancelIdleCallback === "function") cancelIdleCallback(handle);
  else window.clearTimeout(handle);
}
