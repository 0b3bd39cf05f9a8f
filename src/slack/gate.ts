import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** A body Slack would never send (`payload=null`, an empty form): 400, nothing stored. */
export class Malformed extends Error {
  readonly code = 'amends_malformed';
  constructor() {
    super('not a Slack request body');
    this.name = 'Malformed';
  }
}

/** Whether a parsed body has the shape of something Slack sends (a command, a payload, an event). */
export function isSlackBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as { command?: unknown; type?: unknown; event?: unknown };
  return typeof b.command === 'string' || typeof b.type === 'string';
}

/** A request refused before any listener ran: nothing was stored. The receiver answers 503. */
export class Refused extends Error {
  readonly code = 'amends_refused';
  constructor(readonly why: 'stopping' | 'busy') {
    super(why === 'stopping' ? 'Amends is shutting down' : 'Amends is over capacity');
    this.name = 'Refused';
  }
}

export interface GateOptions {
  /** Requests worked on at once (from the listener's start to the end of its Slack calls). */
  readonly maxInFlight: number;
  /**
   * A request that already waited this long for the event loop is refused instead of worked on:
   * past capacity, the ack of the requests taken stays under Slack's 3 s, and the refused ones
   * cost almost nothing, so the backlog drains.
   */
  readonly maxWaitMs: number;
  readonly now?: () => number;
  /**
   * Refuse while the event loop is this late (ms, measured over the last few hundred ms): past
   * capacity the CPU, not the queue of requests, is what makes acks slow, and refusing early
   * keeps the acks of the requests taken short. Off when unset (tests).
   */
  readonly maxLagMs?: number;
  /** The event loop's recent lateness in ms (default: a probe timer started by startLagProbe()). */
  readonly lag?: () => number;
  /** The sentence a refused slash command gets (it is answered, so the user knows). */
  readonly busyText: (body: { team_id?: string; user_id?: string }) => string;
}

/** When the HTTP server received a request (set by a 'request' listener ahead of Bolt's). */
export const RECEIVED_AT = 'amendsReceivedAt';

/**
 * The in-flight limit and the drain, as one Bolt global middleware. Every request's listener runs
 * inside it, including the Slack calls made after its ack, so `idle()` resolving means that all
 * work of the requests taken is finished.
 */
export class Gate {
  readonly #o: GateOptions;
  readonly #now: () => number;
  #active = 0;
  #stopping = false;
  #idle: (() => void)[] = [];
  /** Requests refused since start, by reason. */
  readonly refused = { busy: 0, stopping: 0 };

  #lagMs = 0;
  #probe: NodeJS.Timeout | null = null;

  constructor(o: GateOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
  }

  #lastBeat = 0;
  #beatMs = 20;

  /**
   * The event loop's recent lateness, in ms: what the probe measured, or, in the middle of a long
   * run of ready sockets (the probe can't fire until it ends), how overdue its next beat is now.
   */
  get lagMs(): number {
    if (this.#o.lag) return this.#o.lag();
    if (!this.#probe) return this.#lagMs;
    return Math.max(this.#lagMs, performance.now() - this.#lastBeat - this.#beatMs);
  }

  /**
   * Measures how late a 20 ms timer fires; the figure decays by 30% a beat, so it reflects the
   * last few hundred milliseconds. Stopped by close().
   */
  startLagProbe(intervalMs = 20): void {
    if (this.#probe) return;
    this.#beatMs = intervalMs;
    this.#lastBeat = performance.now();
    this.#probe = setInterval(() => {
      const now = performance.now();
      const late = Math.max(0, now - this.#lastBeat - intervalMs);
      this.#lastBeat = now;
      this.#lagMs = Math.max(late, this.#lagMs * 0.7);
    }, intervalMs);
    this.#probe.unref();
  }

  get active(): number {
    return this.#active;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** From now on every request is refused (503); those already taken go on. */
  close(): void {
    this.#stopping = true;
    if (this.#probe) clearInterval(this.#probe);
    this.#probe = null;
  }

  /** Resolves when no request is being worked on. */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Work that is not a request but must finish before a shutdown closes the database (the start-up
   * posting of cases a previous run left unshown). It counts as one request in flight.
   */
  track<T>(work: Promise<T>): Promise<T> {
    this.#active++;
    return work.finally(() => this.#release());
  }

  #release(): void {
    this.#active--;
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  readonly middleware: Middleware<AnyMiddlewareArgs> = async (args) => {
    const { next, context, body } = args;
    if (this.#stopping) {
      this.refused.stopping++;
      throw new Refused('stopping');
    }
    const received = context[RECEIVED_AT] as number | undefined;
    const waited = received === undefined ? 0 : this.#now() - received;
    const late = this.#o.maxLagMs !== undefined && this.lagMs > this.#o.maxLagMs;
    if (this.#active >= this.#o.maxInFlight || waited > this.#o.maxWaitMs || late) {
      this.refused.busy++;
      const b = body as { command?: string; team_id?: string; user_id?: string };
      if (b.command && 'ack' in args && typeof args.ack === 'function') {
        // A slash command that can't be taken is told so at once; nothing is stored.
        await (args.ack as (r: unknown) => Promise<void>)({
          response_type: 'ephemeral',
          text: this.#o.busyText(b),
        });
        return;
      }
      throw new Refused('busy');
    }
    this.#active++;
    try {
      await next();
    } finally {
      this.#release();
    }
  };
}
