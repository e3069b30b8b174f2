// Data a route asks for before its page's code has arrived: the request runs while the chunk
// loads, and the page takes the answer (once) instead of asking again.

const WINDOW_MS = 10_000;

const pending = new Map<string, { promise: Promise<unknown>; at: number }>();

/** Starts `load` now and keeps its promise under `key` for the page to take. */
export function prefetch(key: string, load: () => Promise<unknown>): void {
  const promise = load();
  // A failed one is not kept: the page asks again (after the login form, say). One taken before
  // it failed passes the error to the page, which shows it.
  promise.catch(() => {
    if (pending.get(key)?.promise === promise) pending.delete(key);
  });
  pending.set(key, { promise, at: Date.now() });
}

/** The prefetched promise under `key` if it is recent, else undefined; it is taken only once. */
export function takePrefetched<T>(key: string): Promise<T> | undefined {
  const found = pending.get(key);
  pending.delete(key);
  if (!found || Date.now() - found.at > WINDOW_MS) return undefined;
  return found.promise as Promise<T>;
}
