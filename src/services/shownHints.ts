import type { Log, UnitOfWork } from './ports.js';

interface Hint {
  readonly teamId: string;
  readonly firstReplyTs?: string;
  readonly renderedAt?: Date;
  readonly renderedVersion?: number;
}

/** How long a hint waits for others before they are written together. */
const FLUSH_AFTER_MS = 1000;

/**
 * What Slack shows (a first reply's ts, when a parent was drawn and from which version): hints for
 * the sweep, written together in one light unit of work a second later instead of an fsync per
 * post. A crash loses at most that second's hints, and the sweep then looks in Slack again.
 * Readers read the database, flushing first if they have just taken some.
 */
export class ShownHints {
  readonly #hints = new Map<number, Hint>();
  #timer: NodeJS.Timeout | undefined;
  /**
   * The flush on its way: a flush asked for meanwhile resolves only once that one is stored too, so
   * whoever flushes before a read reads every hint taken before it.
   */
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly deps: {
      readonly uow: UnitOfWork;
      readonly log: Log;
      /** False once the database is closed: nothing more is written. */
      readonly open: () => boolean;
    },
  ) {}

  /** The case's first reply is in Slack (its ts). */
  readonly firstReplied = (c: { teamId: string; id: number }, ts: string): void =>
    this.#take(c, { firstReplyTs: ts });

  /** The case's parent was drawn at `at` from the case at `c.version`. */
  readonly rendered = (c: { teamId: string; id: number; version: number }, at: Date): void =>
    this.#take(c, { renderedAt: at, renderedVersion: c.version });

  #take(
    c: { teamId: string; id: number },
    h: { firstReplyTs?: string; renderedAt?: Date; renderedVersion?: number },
  ): void {
    const before = this.#hints.get(c.id);
    const renderedVersion = Math.max(before?.renderedVersion ?? 0, h.renderedVersion ?? 0);
    this.#hints.set(c.id, { ...before, teamId: c.teamId, ...h, renderedVersion });
    this.#timer ??= setTimeout(() => {
      this.flush().catch((e: unknown) =>
        this.deps.log.error('could not record what Slack shows; the sweep checks again', {
          err: e,
        }),
      );
    }, FLUSH_AFTER_MS).unref();
  }

  /** flush, its failure logged (hints, not state: the sweep checks again). */
  flushOrLog(): Promise<void> {
    return this.flush().catch((e: unknown) =>
      this.deps.log.error('could not record what Slack shows; the sweep checks again', { err: e }),
    );
  }

  /** Writes the hints taken so far (and waits for a flush on its way). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#hints.size === 0 || !this.deps.open()) return this.#flushing;
    const all = [...this.#hints.entries()];
    this.#hints.clear();
    // Hints, not state: no fsync for them (light), as for the ts of a post.
    const run = this.#flushing.then(() =>
      this.deps.uow.run(
        async (tx) => {
          for (const [id, h] of all) {
            if (h.firstReplyTs) await tx.cases.setFirstReply(h.teamId, id, h.firstReplyTs);
            if (h.renderedAt)
              await tx.cases.setRenderedAt(h.teamId, id, h.renderedAt, h.renderedVersion ?? 0);
          }
        },
        { light: true },
      ),
    );
    this.#flushing = run.catch(() => {}); // the next flush waits for this one, failed or not
    return run;
  }
}
