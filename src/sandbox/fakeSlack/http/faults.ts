/**
 * What a test makes Slack do besides answering: take its time (latency), hang (hold), or fail a
 * method's next calls with an error code, a rate limit, a 500 or a load balancer's 502 page.
 */
import type { ServerResponse } from 'node:http';
import type { FailureSpec } from '../types.js';
import { plain, send } from './respond.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Faults {
  private held: { promise: Promise<void>; release: () => void } | null = null;
  private readonly failures = new Map<string, FailureSpec[]>();

  constructor(private readonly latencyMs: number | (() => number)) {}

  failNext(method: string, error: FailureSpec, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.failures.set(method, queue);
  }

  /** Holds every call from now on; the returned function lets them through. */
  hold(): () => void {
    const h = this.held ?? { promise: Promise.resolve(), release: () => {} };
    if (!this.held) {
      h.promise = new Promise<void>((resolve) => {
        h.release = resolve;
      });
      this.held = h;
    }
    return () => {
      if (this.held === h) this.held = null;
      h.release();
    };
  }

  /**
   * Waits out the latency and any hold, then applies the failure queued for this method, if any.
   * True when that failure was the answer (the call must not be answered again).
   */
  async apply(method: string, res: ServerResponse): Promise<boolean> {
    const delay = typeof this.latencyMs === 'function' ? this.latencyMs() : this.latencyMs;
    if (delay > 0) await sleep(delay);
    if (this.held) await this.held.promise;
    const queue = this.failures.get(method);
    const injected = queue?.shift();
    if (queue?.length === 0) this.failures.delete(method);
    if (injected === undefined) return false;
    if (typeof injected === 'string') {
      send(res, 200, { ok: false, error: injected });
      return true;
    }
    if ('delayMs' in injected) {
      await sleep(injected.delayMs);
      return false;
    }
    if (injected.status === 500) send(res, 500, { ok: false, error: 'internal_error' });
    else if (injected.status === 502)
      plain(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    else
      send(
        res,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(injected.retryAfter) },
      );
    return true;
  }

  reset(): void {
    this.failures.clear();
  }
}
