import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/** A body Slack would never send (`payload=null`, an empty form): 400, nothing stored. */
export class Malformed extends Error {
  readonly code = 'amends_malformed';
  constructor() {
    super('not a Slack request body');
    this.name = 'Malformed';
  }
}

/** Interaction payloads: Slack sends each with the user who acted (Bolt reads `user.id`). */
const INTERACTIONS = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'interactive_message',
  'dialog_submission',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a parsed body has the shape of something Slack sends (a command, a payload, an event).
 * What Bolt could not route (a click without its actions: a 404 three seconds later) or would
 * fail on (an interaction without its user: a 500) is not: it is refused at once.
 */
export function isSlackBody(body: unknown): boolean {
  if (!isObject(body)) return false;
  const b = body as { command?: unknown; type?: unknown; event?: unknown; user?: unknown };
  if (typeof b.command === 'string') return true;
  if (typeof b.type !== 'string') return false;
  if (b.type === 'event_callback') return isObject(b.event);
  if (!INTERACTIONS.has(b.type)) return true;
  if (!isObject(b.user) || typeof b.user.id !== 'string') return false;
  if (b.type === 'block_actions') {
    const actions = (body as { actions?: unknown }).actions;
    return Array.isArray(actions) && actions.length > 0 && actions.every(isObject);
  }
  if (b.type === 'view_submission' || b.type === 'view_closed')
    return isObject((body as { view?: unknown }).view);
  return true;
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
   * Refuse while the event loop is this late (ms, see LagMeter): past capacity the CPU, not the
   * queue of requests, is what makes acks slow, and refusing early keeps each turn of the loop
   * short. Off when unset (tests).
   */
  readonly maxLagMs?: number;
  /** The event loop's recent lateness in ms (default: a probe timer started by startLagProbe()). */
  readonly lag?: () => number;
  /** The sentence a refused slash command gets (it is answered, so the user knows). */
  readonly busyText: (body: { team_id?: string; user_id?: string }) => string;
}

/**
 * How late the event loop runs, from a timer meant to beat every `beatMs`. Past capacity this is
 * what decides: Node accepts one new connection per turn of the event loop, so while turns are
 * long (every ready socket's request handled back to back), connections wait in the kernel's
 * accept queue, unseen, for seconds. Refusing as soon as a turn runs long keeps turns short, so
 * accepting keeps up. The reading:
 * - the lateness of past beats, smoothed (a fifth of each new one): one pause (a reminder tick,
 *   a GC, the minute sweep) moves it little and is soon forgotten, lateness that persists is read
 *   in full within a few beats;
 * - once that shows the loop running late at all (over a quarter of a beat), also how overdue the
 *   next beat already is: inside a long turn the timer can't fire, and this grows with every
 *   request handled in it. At rest it is not counted, so the requests that queued behind a single
 *   pause are taken, not refused.
 * Times come in as arguments: no clock is read here.
 */
export class LagMeter {
  #last: number;
  #smooth = 0;
  constructor(
    readonly beatMs: number,
    now: number,
  ) {
    this.#last = now;
  }
  /** The timer fired at `now`. */
  beat(now: number): void {
    const late = Math.max(0, now - this.#last - this.beatMs);
    this.#last = now;
    this.#smooth = this.#smooth * 0.8 + late * 0.2;
  }
  lag(now: number): number {
    if (this.#smooth <= this.beatMs / 4) return this.#smooth;
    return Math.max(this.#smooth, now - this.#last - this.beatMs);
  }
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

  #meter: LagMeter | null = null;
  #probe: NodeJS.Timeout | null = null;

  constructor(o: GateOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
  }

  /** The event loop's lateness now, in ms (see LagMeter); 0 before startLagProbe(). */
  get lagMs(): number {
    if (this.#o.lag) return this.#o.lag();
    return this.#meter?.lag(performance.now()) ?? 0;
  }

  /** Starts the probe timer (every `intervalMs`, unref'd). Stopped by close(). */
  startLagProbe(intervalMs = 20): void {
    if (this.#probe) return;
    const meter = new LagMeter(intervalMs, performance.now());
    this.#meter = meter;
    this.#probe = setInterval(() => meter.beat(performance.now()), intervalMs);
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
