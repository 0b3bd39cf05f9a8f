import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/**
 * Backpressure for an overload. A request's work goes on after its ack (database writes, Web API
 * calls that each take Slack's round trip); without a bound, a flood is acked faster than that work
 * finishes, and the work piles up in memory. At most `max` requests are handled at once; the next
 * one waits for a slot before its listener runs (and acks). It waits at most `maxWaitMs`, so that
 * Slack still gets its ack within 3 seconds: past that it goes ahead without a slot.
 */
export function limitInFlight(max: number, maxWaitMs: number): Middleware<AnyMiddlewareArgs> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else active--;
  };
  const slot = (): Promise<boolean> => {
    if (active < max) {
      active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = waiting.indexOf(grant);
        if (i >= 0) waiting.splice(i, 1);
        resolve(false);
      }, maxWaitMs);
      waiting.push(grant);
    });
  };
  return async ({ next }) => {
    if (!(await slot())) return next();
    try {
      await next();
    } finally {
      release();
    }
  };
}
