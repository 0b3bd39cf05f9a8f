/**
 * Backpressure for an overload. A request's work goes on after its ack (database writes, Web API
 * calls that each take Slack's round trip); without a bound, a flood is acked faster than that work
 * finishes, and the work piles up in memory. At most `max` requests are worked on at once; the next
 * one waits for a slot before it is acked and handed on. It waits at most `maxWaitMs`, so that Slack
 * still gets its ack within 3 seconds: past that it goes ahead without a slot.
 */
export class InFlight {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly maxWaitMs: number,
  ) {}

  get active(): number {
    return this.#active;
  }

  /** Resolves true with a slot (give it back with release()), or false after `maxWaitMs` without one. */
  acquire(): Promise<boolean> {
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.#waiting.indexOf(grant);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(false);
      }, this.maxWaitMs);
      this.#waiting.push(grant);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.#active = Math.max(0, this.#active - 1);
  }
}
