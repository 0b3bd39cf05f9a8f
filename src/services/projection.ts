import type { RecoveryCase } from '../domain/recoveryCase.js';
import { LEASE_MS } from './leases.js';
import type { Repos, UnitOfWork } from './ports.js';
import { Presenter, type PresenterDeps } from './presenter.js';
import { ShownHints } from './shownHints.js';

/** What keeps a shutdown waiting: the gate requests pass through (src/slack/gate.ts). */
export interface Work {
  /** True once a shutdown began: what is left waits for the next start. */
  readonly stopping: boolean;
  /** Counts `work` as in progress until it settles: a shutdown waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
}

export interface ProjectionDeps
  extends Pick<
      PresenterDeps,
      'view' | 'cases' | 'clock' | 'log' | 'leases' | 'recoveryChannel' | 'changed' | 'inWorkspace'
    >,
    Required<Pick<PresenterDeps, 'cachedLang'>> {
  /** The repositories the sweeps read, each call on its own. */
  readonly repos: Pick<Repos, 'cases' | 'lines' | 'reminders'>;
  /** For the hints (ShownHints): written together, lightly. */
  readonly uow: UnitOfWork;
  readonly work: Work;
  /** False once the database is closed. */
  readonly open: () => boolean;
  /**
   * A case's stored delivery problem is one only a person can fix (invite the bot, unarchive the
   * channel): the minute sweep leaves it. The Slack adapter knows which codes those are.
   */
  readonly isChannelProblem: (problem: string | null) => boolean;
}

export interface PendingOptions {
  /** Only cases opened at least this long ago (another process may be posting newer ones). */
  readonly olderThanMs?: number;
  /** Leave out cases whose channel refused them (not in it, archived): they wait for a person. */
  readonly skipChannelProblems?: boolean;
}

export interface SettleOptions {
  /** Only first replies of cases posted at least this long ago (default a minute). */
  readonly olderThanMs?: number;
  /**
   * First replies looked for (one conversations.replies each, Tier 3: about 50 a minute): 20 a
   * minute for the sweep, more in the one burst of a start-up.
   */
  readonly firstReplies?: number;
}

export interface CaughtUp {
  posted: number;
  failed: number;
  left: number;
  threadsWithLines: number;
  firstReplies: number;
  redrawn: number;
}

/** Channels whose waiting cases are posted at once by publishPending (one case at a time in each). */
const PENDING_LANES = 4;
/**
 * Waiting cases of one channel whose leases are taken together before one look at the channel
 * (conversations.history): a handful of minutes' posts at Slack's pace, well within a lease.
 */
const SCAN_BATCH = 20;
/** The minute sweep's lease: one process on the database sweeps at a time. */
const SWEEP_KEY = 'sweep:minute';
/** The takeover's lease: one process takes over what a process that died left. */
const TAKEOVER_KEY = 'sweep:takeover';
/**
 * What a takeover leaves to its owner: cases and lines younger than one Slack call's timeout
 * (a live replica may be posting them right now).
 */
export const TAKEOVER_OLDER_THAN_MS = 10_000;

const caseKey = (id: number) => `case:${id}`;

/**
 * Keeps Slack a projection of the store: builds the one Presenter and what it reports back to, and
 * at start-up and every minute brings Slack up to the store (unposted cases, pending thread lines,
 * missing first replies, stale parents). Each case is looked at holding its lease, and the sweep
 * holds its own, so N processes on one database make the Web API calls of one.
 */
export class Projection {
  readonly presenter: Presenter;
  readonly hints: ShownHints;
  /** Cases to bring up to date again soon (Slack could not say whether their channel is shared). */
  readonly #retrying = new Map<number, { attempt: number; timer?: NodeJS.Timeout }>();
  /** The catch-up running in this process (start-up, its second run, the minute sweep). */
  #catching: Promise<void> | null = null;
  /** A minute sweep or takeover asked for while a catch-up ran: it runs once that one ends. */
  #queued: { kind: 'minute' | 'takeover'; done: Promise<void>; ran: () => void } | null = null;

  constructor(readonly deps: ProjectionDeps) {
    const { repos } = deps;
    this.hints = new ShownHints({ uow: deps.uow, log: deps.log, open: deps.open });
    this.presenter = new Presenter({
      view: deps.view,
      cases: deps.cases,
      cachedLang: deps.cachedLang,
      clock: deps.clock,
      log: deps.log,
      load: (team, id) => repos.cases.get(team, id),
      leases: deps.leases,
      recoveryChannel: deps.recoveryChannel,
      flag: (c, problem) => repos.cases.setDeliveryProblem(c.teamId, c.id, problem),
      changed: deps.changed,
      firstReplied: this.hints.firstReplied,
      rendered: this.hints.rendered,
      retry: (c) => this.#retrySoon(c),
      threadPosts: (c) => this.#threadPosts(c),
      ...(deps.inWorkspace ? { inWorkspace: deps.inWorkspace } : {}),
    });
  }

  get #stopping(): boolean {
    return this.deps.work.stopping;
  }

  /** What Amends posted in a case's thread (first reply, lines and invites, nudges), for a withdrawal. */
  async #threadPosts(c: RecoveryCase): Promise<string[]> {
    // A first reply posted in the last second is on record too (a failed flush: the sweep's look
    // in the thread finds it later).
    await this.hints.flushOrLog();
    const { repos } = this.deps;
    // The first reply, the lines and the invite files (`file:<id>`), and the nudges.
    const [first, lines, nudges] = await Promise.all([
      repos.cases.firstReplyOf(c.teamId, c.id),
      repos.lines.sentFor(c.teamId, c.id),
      repos.reminders.forCase(c.teamId, c.id),
    ]);
    return [
      ...first,
      ...lines,
      ...nudges
        .filter((r) => r.status === 'sent' && r.messageTs && r.kind !== 'digest')
        .map((r) => r.messageTs as string),
    ];
  }

  /**
   * Runs `fn` holding the leases of those of `list` no other process holds (their stored state read
   * again under the lease: what got posted meanwhile is left out). `keep` renews the leases still
   * held before the next write and says whether a case's is still this process's. What Slack shows
   * is recorded before the leases go, so the next holder reads it in the database.
   */
  async #holding<T>(
    list: readonly RecoveryCase[],
    fn: (held: RecoveryCase[], keep: (c: RecoveryCase) => Promise<boolean>) => Promise<T>,
  ): Promise<T> {
    const { leases, repos, log } = this.deps;
    if (!leases) return fn([...list], async () => true);
    const taken: number[] = [];
    try {
      const held: RecoveryCase[] = [];
      for (const c of list) {
        const mine = await leases.acquire(caseKey(c.id)).catch((e: unknown) => {
          log.error('could not take the case’s lease; left to the next sweep', {
            team: c.teamId,
            case: c.id,
            err: e,
          });
          return false;
        });
        if (!mine) continue;
        taken.push(c.id);
        const fresh = await repos.cases.get(c.teamId, c.id);
        if (fresh && !fresh.messageTs) held.push(fresh);
      }
      const keep = async (c: RecoveryCase) => {
        // The cases still waiting their turn keep their leases too (a write once a third has passed).
        let mine = true;
        // A renewal that fails counts as a lease lost: the case is left to whoever holds it.
        for (const h of held.slice(held.indexOf(c)))
          if (!(await leases.renew(caseKey(h.id)).catch(() => false)) && h === c) mine = false;
        return mine;
      };
      return await fn(held, keep);
    } finally {
      await this.hints.flushOrLog();
      for (const id of taken) await leases.release(caseKey(id));
    }
  }

  /** Posts the stored cases whose parent message never reached Slack (a crash, a shutdown, an outage). */
  async publishPending(
    o: PendingOptions = {},
  ): Promise<{ posted: number; failed: number; left: number }> {
    const { cases, log, isChannelProblem } = this.deps;
    let posted = 0;
    let failed = 0;
    const before = cases.now().getTime() - (o.olderThanMs ?? 0);
    const waiting = (await cases.unposted()).filter(
      (c) =>
        c.createdAt.getTime() <= before &&
        !(o.skipChannelProblems && isChannelProblem(c.deliveryProblem)),
    );
    // One look at each channel for the posts a run that died had made, then one case at a time
    // in each channel (Slack paces posts per channel); a few channels at once, so a restart after
    // a crash in a busy workspace is not one long queue. The cases' leases come first: a case
    // another process is posting is left to it, and a channel none of whose cases this process
    // holds is not looked at.
    const byChannel = new Map<string, RecoveryCase[]>();
    for (const c of waiting) byChannel.set(c.channelId, [...(byChannel.get(c.channelId) ?? []), c]);
    const lanes = [...byChannel];
    const batch =
      (channel: string) =>
      async (held: RecoveryCase[], keep: (c: RecoveryCase) => Promise<boolean>) => {
        if (held.length === 0) return;
        const since = new Date(Math.min(...held.map((c) => c.createdAt.getTime())));
        const at = cases.now();
        const map = await this.presenter
          .postedIn((held[0] as RecoveryCase).teamId, channel, since)
          .catch((e: unknown) => {
            log.error('could not look for earlier posts; trying each case', {
              channel,
              err: e,
            });
            return null;
          });
        for (const c of held) {
          if (this.#stopping) break; // a shutdown leaves the rest to the next start
          if (!(await keep(c))) continue; // its lease ran out and another process has it
          const shown = await this.presenter.publish(
            c,
            map ? { found: { map, at } } : { recover: true },
          );
          if (shown.ok) posted++;
          else failed++;
        }
      };
    const lane = async ([channel, list]: (typeof lanes)[number]) => {
      for (let i = 0; i < list.length && !this.#stopping; i += SCAN_BATCH)
        await this.#holding(list.slice(i, i + SCAN_BATCH), batch(channel));
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PENDING_LANES, lanes.length) }, async () => {
        for (let l = lanes[next++]; l && !this.#stopping; l = lanes[next++]) await lane(l);
      }),
    );
    return { posted, failed, left: waiting.length - posted - failed };
  }

  /**
   * Posts the thread lines a run that died (or a Slack outage) left pending for over a minute
   * (`olderThanMs`; younger ones may be on their way from another process).
   */
  async deliverPendingLines(o: { readonly olderThanMs?: number } = {}): Promise<number> {
    const { cases, repos, log } = this.deps;
    let n = 0;
    // Each case is one conversations.replies (Tier 3, about 50 a minute, shared with the first
    // replies' 20 below and the reminders' settling): at most 25 a sweep, the rest next minute.
    // The case's lease is taken before its thread is read (Presenter.deliverLines).
    for (const { teamId, caseId } of await cases.casesWithPendingLines(25, o.olderThanMs)) {
      if (this.#stopping) break;
      const c = await repos.cases.get(teamId, caseId);
      if (!c) continue;
      await this.presenter
        .deliverLines(c, { recover: true })
        .catch((e: unknown) =>
          log.error('could not post thread lines', { team: teamId, case: caseId, err: e }),
        );
      n++;
    }
    return n;
  }

  /**
   * What time and crashes left out of Slack: first replies not known to be posted (looked for in
   * the thread first), and parents showing a step as not yet due, or snoozed, after that changed.
   * Each case's lease is taken before its thread is read or its parent redrawn (the Presenter's).
   */
  async settleShown(o: SettleOptions = {}): Promise<{ firstReplies: number; redrawn: number }> {
    const { cases, repos } = this.deps;
    // The hints of the last second first, so nothing just posted is looked for again.
    await this.hints.flush();
    try {
      const before = new Date(cases.now().getTime() - (o.olderThanMs ?? 60_000));
      const firstReplies = await this.#eachCase(
        await repos.cases.listMissingFirstReply(before, o.firstReplies ?? 20),
        (c) => this.presenter.ensureFirstReply(c),
        'could not settle a first reply',
      );
      // A step came due or a snooze ended since the parent was drawn, or the parent was drawn from
      // an older version of the case: draw it again (at most 50 a minute, chat.update's Tier 3).
      const redrawn = await this.#eachCase(
        await repos.cases.listStaleParents(cases.now(), 50),
        (c) => this.presenter.refresh(c),
        'could not redraw a case',
      );
      return { firstReplies, redrawn };
    } finally {
      await this.hints.flush();
    }
  }

  /** `act` on each case in turn until a shutdown, a failure logged as `failed`: how many succeeded. */
  async #eachCase(
    list: readonly RecoveryCase[],
    act: (c: RecoveryCase) => Promise<unknown>,
    failed: string,
  ): Promise<number> {
    let n = 0;
    for (const c of list) {
      if (this.#stopping) break;
      await act(c)
        .then(() => n++)
        .catch((e: unknown) => this.deps.log.error(failed, { team: c.teamId, case: c.id, err: e }));
    }
    return n;
  }

  /**
   * Brings Slack up to the stored cases, as start-up and the minute sweep do (in the running bot and
   * in the sandbox alike): unposted cases, then pending thread lines, then first replies and stale
   * parents. The options are publishPending's; `olderThanMs` also applies to the lines (a minute
   * when not given).
   */
  async catchUp(o: PendingOptions & SettleOptions = {}): Promise<CaughtUp> {
    const pending = await this.publishPending(o);
    const threadsWithLines = await this.deliverPendingLines(o);
    const shown = await this.settleShown(o);
    return { ...pending, threadsWithLines, ...shown };
  }

  /**
   * The start-up catch-up ('start': everything, however recent), the minute sweep ('minute':
   * cases opened over a minute ago, each at most once a minute), or a takeover ('takeover': when
   * another process stopped beating, what it left that is older than a Slack call, so what it
   * acknowledged and never showed is shown within seconds; a live replica's posts in progress are
   * younger, and leased). One at a time in this process, so two never find the same first reply
   * missing; a minute sweep or takeover asked for meanwhile runs once right after (a takeover
   * standing for both), and its caller waits for that run. The minute sweep and the takeover each
   * hold a lease, so one process on the database runs it and the others skip it.
   */
  sweep(kind: 'start' | 'minute' | 'takeover'): Promise<void> {
    const { work, log, leases } = this.deps;
    if (work.stopping) return this.#catching ?? Promise.resolve();
    if (this.#catching) {
      if (kind === 'start') return this.#catching;
      if (this.#queued) {
        if (kind === 'takeover') this.#queued.kind = 'takeover';
        return this.#queued.done;
      }
      let ran: () => void = () => {};
      const done = new Promise<void>((r) => {
        ran = r;
      });
      this.#queued = { kind, done, ran };
      return done;
    }
    const key = kind === 'minute' ? SWEEP_KEY : kind === 'takeover' ? TAKEOVER_KEY : null;
    const options: PendingOptions & SettleOptions =
      kind === 'start'
        ? { olderThanMs: 0, firstReplies: 50 }
        : {
            olderThanMs: kind === 'takeover' ? TAKEOVER_OLDER_THAN_MS : 60_000,
            skipChannelProblems: true,
          };
    const run = async () => {
      const shared = key && leases;
      if (shared && !(await leases.acquire(key))) return;
      // Renewed while it runs (a sweep after an outage may outlast a lease). A renewal that fails
      // is tried again a third of a lease later; if all fail, the lease runs out and another
      // process sweeps, which a sweep is made to allow (each case is taken under its own lease).
      const renew = shared
        ? setInterval(() => void leases.renew(key).catch(() => false), LEASE_MS / 3)
        : undefined;
      renew?.unref();
      try {
        const r = await this.catchUp(options);
        if (
          kind === 'start' ||
          r.posted ||
          r.failed ||
          r.firstReplies ||
          r.redrawn ||
          r.threadsWithLines
        )
          log.info(
            kind === 'start'
              ? 'cases stored but not shown by a previous run'
              : kind === 'takeover'
                ? 'took over what a process that stopped left'
                : 'brought Slack up to date with the stored cases',
            { ...r },
          );
      } finally {
        clearInterval(renew);
        if (shared) await leases.release(key);
      }
    };
    this.#catching = work
      .track(run())
      .catch((e) => log.error('could not bring Slack up to date', { err: e }))
      .finally(() => {
        this.#catching = null;
        const next = this.#queued;
        this.#queued = null;
        if (next) void this.sweep(next.kind).then(next.ran);
      });
    return this.#catching;
  }

  /**
   * Slack could not say whether a case's channel is shared: nothing was posted there. The case is
   * brought up to date again after 2 s, 4 s, ... 32 s (the sharing check has its own back-off per
   * channel); past that the minute sweep goes on trying.
   */
  #retrySoon(c: { id: number; teamId: string }): void {
    const { work, log } = this.deps;
    const r = this.#retrying.get(c.id) ?? { attempt: 0 };
    if (r.timer || work.stopping) return;
    if (r.attempt >= 5) {
      this.#retrying.delete(c.id);
      return;
    }
    r.attempt++;
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        if (work.stopping) return;
        void work
          .track(this.#bringUp(c.id, c.teamId))
          .catch((e: unknown) => log.error('could not bring a case up to date', { err: e }))
          .finally(() => {
            // Not asked again during this attempt: Slack answered, the case is where it should be.
            if (!this.#retrying.get(c.id)?.timer) this.#retrying.delete(c.id);
          });
      },
      1000 * 2 ** r.attempt,
    );
    r.timer.unref();
    this.#retrying.set(c.id, r);
  }

  async #bringUp(id: number, teamId: string): Promise<void> {
    const { repos, log } = this.deps;
    const c = await repos.cases.get(teamId, id);
    if (!c) return;
    if (!c.messageTs) {
      await this.presenter.publish(c, { recover: true });
      return;
    }
    // Each step on its own: a redraw that fails leaves the lines and the first reply to try.
    const failed = (what: string) => (e: unknown) =>
      log.error(`could not ${what}; the sweep tries again`, { team: teamId, case: id, err: e });
    await this.presenter.refresh(c).catch(failed('redraw the case'));
    await this.presenter.deliverLines(c).catch(failed('post its thread lines'));
    await this.presenter.ensureFirstReply(c).catch(failed('post its first reply'));
  }

  /** Records the last hints and drops the retries (a shutdown: the next start's sweep has them). */
  async stop(): Promise<void> {
    await this.hints.flushOrLog();
    for (const r of this.#retrying.values()) clearTimeout(r.timer);
    this.#retrying.clear();
  }
}
