/** How many times each key was counted in its current window, and when that window ends. */
interface Window {
  hits: number;
  resetAt: number;
}

/**
 * Counts per key in fixed windows of `windowMs`, each starting at its key's first count after
 * the previous one ended (as express-rate-limit's memory store does). Plain map lookups: it runs
 * on every request. Ended windows are swept at most once a window, so memory stays bounded by
 * the keys counted within about two windows.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  private nextSweepAt = 0;

  constructor(private readonly windowMs: number) {}

  /** Whether no key has a count: the common case, answered without building any key. */
  get empty(): boolean {
    return this.windows.size === 0;
  }

  /** Counts one more for `key`; answers its window after the count. */
  count(key: string, now = Date.now()): Readonly<Window> {
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.hits++;
    return window;
  }

  /** The key's current window, or undefined when it has none or it ended. */
  peek(key: string, now = Date.now()): Readonly<Window> | undefined {
    const window = this.windows.get(key);
    if (!window) return undefined;
    if (window.resetAt > now) return window;
    this.windows.delete(key);
    return undefined;
  }

  private sweep(now: number) {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + this.windowMs;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** Whole seconds until `resetAt`, at least 1 (a Retry-After). */
export const secondsUntil = (resetAt: number, now = Date.now()) =>
  Math.max(1, Math.ceil((resetAt - now) / 1000));
