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
  /**
   * Requests worked on at once (from their arrival to the end of their Slack calls): a bound on
   * memory, not on speed (default 1000).
   */
  readonly maxInFlight: number;
  /**
   * A request is taken when its ack is expected within this many ms of its arrival (default 2000,
   * well inside Slack's 3 s): the time it already waited plus, for each request taken and not yet
   * acknowledged and for itself, the measured time between acks.
   */
  readonly boundMs: number;
  readonly now?: () => number;
  /**
   * Requests whose work after the ack (Slack calls, redraws) runs at once; the others' acks are
   * sent, and their work waits its turn (default 32). Past capacity that work is what fills the
   * event loop, and while it does new connections wait unseen in the kernel's accept queue: bounded,
   * turns stay short, connections are accepted, and the gate sees (and refuses) what doesn't fit.
   */
  readonly afterAckSlots?: number;
  /**
   * The sentence a refused slash command gets (it is answered, so the user knows). It may look the
   * person's language up, briefly: it must resolve (never reject) well within Slack's 3 s.
   */
  readonly busyText: (body: { team_id?: string; user_id?: string }) => string | Promise<string>;
}

/** When the HTTP server received a request (set by a 'request' listener ahead of Bolt's). */
export const RECEIVED_AT = 'amendsReceivedAt';

/** What the gate needs of a request as the receiver hands it to the app (Bolt's ReceiverEvent). */
export interface GatedEvent {
  readonly body: unknown;
  ack: (response?: unknown) => Promise<void>;
  readonly customProperties?: Record<string, unknown>;
}

/**
 * Admission and the drain around `app.processEvent` (`handle`). A request is refused only when it
 * would be acknowledged too late, judged from the requests waiting and a moving average of the time
 * between acks. All of a request's work, after-ack Slack calls included, runs inside `handle`, so
 * `idle()` resolving means the requests taken are finished.
 */
export class Gate {
  readonly #o: GateOptions;
  readonly #now: () => number;
  #active = 0;
  #stopping = false;
  #idle: (() => void)[] = [];
  /** Requests taken and not yet acknowledged. */
  #waiting = 0;
  /** The average time between two acks while requests wait, ms (a first guess until measured). */
  #perAckMs = 5;
  #lastAckAt = 0;
  /** Requests refused since start, by reason. */
  readonly refused = { busy: 0, stopping: 0 };

  constructor(o: GateOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
  }

  get active(): number {
    return this.#active;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** The time between acks the gate expects now, in ms. */
  get perAckMs(): number {
    return this.#perAckMs;
  }

  /** From now on every request is refused (503); those already taken go on. */
  close(): void {
    this.#stopping = true;
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

  /** When the ack of a request arriving now is expected, in ms from its arrival. */
  expectedAckMs(waited: number): number {
    return waited + (this.#waiting + 1) * this.#perAckMs;
  }

  #acked(takenAt: number): void {
    const now = this.#now();
    // The gap since the previous ack, or since this one was taken if that came later: what one
    // more request in the queue costs.
    // A stall longer than the bound says nothing about the next requests: capped, so one long pause
    // can't make the gate refuse everything after it.
    const sample = Math.min(this.#o.boundMs, now - Math.max(this.#lastAckAt, takenAt));
    this.#lastAckAt = now;
    this.#waiting--;
    this.#perAckMs = Math.max(0.1, this.#perAckMs * 0.9 + sample * 0.1);
  }

  /**
   * Takes the request and runs `process` (the app's processing of it), or refuses it: a slash
   * command is answered at once with the busy text, anything else throws Refused (the receiver
   * answers 503, so Slack retries what it retries).
   */
  async handle<T>(event: GatedEvent, process: () => Promise<T>): Promise<T | undefined> {
    if (this.#stopping) {
      this.refused.stopping++;
      throw new Refused('stopping');
    }
    const taken = this.#now();
    const received = event.customProperties?.[RECEIVED_AT] as number | undefined;
    const waited = received === undefined ? 0 : taken - received;
    // With nothing waiting ahead of it, a request is taken however slow the last ones were: only
    // its own wait can keep it out.
    const late =
      this.#waiting === 0 ? waited > this.#o.boundMs : this.expectedAckMs(waited) > this.#o.boundMs;
    if (this.#active >= this.#o.maxInFlight || late) {
      this.refused.busy++;
      const b = event.body as { command?: string; team_id?: string; user_id?: string };
      if (typeof b.command === 'string') {
        // A slash command that can't be taken is told so at once; nothing is stored.
        await event.ack({ response_type: 'ephemeral', text: await this.#o.busyText(b) });
        return undefined;
      }
      throw new Refused('busy');
    }
    this.#active++;
    this.#waiting++;
    let acked = false;
    let slot = false;
    const ack = event.ack;
    event.ack = async (response?: unknown) => {
      if (acked) return ack(response);
      acked = true;
      this.#acked(taken);
      await ack(response);
      // Slack has its answer. The work after it (Slack calls, redraws) starts after the requests
      // already read from the sockets are acknowledged (a turn of the loop), then waits for a slot.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.#slot();
      slot = true;
    };
    try {
      return await process();
    } finally {
      if (!acked) this.#waiting--;
      if (slot) this.#freeSlot();
      this.#release();
    }
  }

  /** Requests in their work after the ack, and those waiting to start it. */
  #afterAck = 0;
  readonly #slotQueue: (() => void)[] = [];

  #slot(): Promise<void> {
    if (this.#afterAck < (this.#o.afterAckSlots ?? 32)) {
      this.#afterAck++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#slotQueue.push(resolve));
  }

  #freeSlot(): void {
    const next = this.#slotQueue.shift();
    if (next)
      next(); // handed over: the count stays
    else this.#afterAck--;
  }
}

/**
 * How long a new connection may have waited unseen in the kernel's accept queue: Node accepts one
 * connection per event-loop turn (`node dist/bench/acceptPerTurn.js`), so in a run of turns that
 * each accepted one, a connection's wait is taken as the time since the run began. Turns are
 * watched only during a run, so an idle bot spins nothing.
 */
export class AcceptQueue {
  /** A run of turns that each accepted a connection is going on. */
  #inRun = false;
  #acceptedThisTurn = false;
  #since = 0;

  constructor(readonly now: () => number = () => performance.now()) {}

  /** At the end of a turn (setImmediate): the run goes on only if this turn accepted too. */
  #turnEnded = (): void => {
    if (this.#acceptedThisTurn) {
      this.#acceptedThisTurn = false;
      setImmediate(this.#turnEnded);
    } else this.#inRun = false;
  };

  /**
   * While connections are queuing in the kernel (a run of turns that each accepted one), since when;
   * null when the queue is empty. Any request read meanwhile waited behind that queue's turns.
   */
  get queuingSince(): number | null {
    return this.#inRun ? this.#since : null;
  }

  /** A connection was accepted now: since when it (at most) waited. */
  accepted(): number {
    if (!this.#inRun) {
      this.#inRun = true;
      this.#since = this.now();
      setImmediate(this.#turnEnded);
    }
    this.#acceptedThisTurn = true;
    return this.#since;
  }
}
