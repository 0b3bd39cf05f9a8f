import type { Clock } from '../domain/clock.js';
import type { Playbook, StepKey } from '../domain/playbook.js';
import { heldByRefusal, isOpen, type RecoveryCase } from '../domain/recoveryCase.js';
import {
  digestDay,
  digestOccurrence,
  MORNING_MS,
  type PlannedPost,
  planCase,
  type Reminder,
  reminderKey,
} from '../domain/reminders.js';
import { clampToWorkingHours, isWithinWorkingHours } from '../domain/workingTime.js';
import {
  type CaseStore,
  DeliveryFailure,
  type DuePage,
  type Log,
  type ReminderChannel,
  type ReminderStore,
  type Repos,
  type UnitOfWork,
} from './ports.js';
import { type Presenter, SHARING_UNKNOWN } from './presenter.js';
import type { ProfileService } from './profiles.js';
import type { WorkspaceService } from './workspaces.js';

export interface Pacer {
  /**
   * Milliseconds on a clock every process shares (wall time), used to space posts in one channel:
   * the slots are reserved in the database, so two processes together keep Slack's pace.
   */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A channel's reserved time further ahead than this is a clock stepped back: not waited for. */
const PACE_STALE_MS = 10 * 60_000;

export const realPacer: Pacer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface ReminderServiceDeps {
  /** Planning: a chunk of cases (or one owner's digest) read, decided and written atomically. */
  readonly uow: UnitOfWork;
  /** Reads and writes that stand alone (each its own transaction), outside any unit of work. */
  readonly cases: CaseStore;
  readonly reminders: ReminderStore;
  readonly workspaces: WorkspaceService;
  readonly profiles: ProfileService;
  readonly playbook: Playbook;
  readonly channel: ReminderChannel;
  /**
   * What Slack shows of a case: before a nudge is posted it says whether the case's channel is
   * shared with the client (then nothing is posted there), and after one it redraws the parent (its
   * shared, coalescing redraw). Without it (a bare engine in tests and benches) nothing is checked
   * and the channel's plain redraw is used.
   */
  readonly presenter?: Pick<Presenter, 'isShared' | 'refresh'>;
  readonly clock: Clock;
  readonly pacer?: Pacer;
  /** Slack allows about one message per second per channel. */
  readonly channelIntervalMs?: number;
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  /**
   * A claim is another live process's while its lease runs (it renews it as it works); only a
   * claim whose lease has run out was left by a process that died, and is settled.
   */
  readonly leaseMs?: number;
  /** This process, as recorded on its claims. */
  readonly holder?: string;
  /** True when the process that holds a claim is gone: its claims are settled at once. */
  readonly isGone?: (holder: string) => boolean | Promise<boolean>;
  readonly log?: Log;
}

/** Threads read at once when settling abandoned claims, then one every RECONCILE_SPACING_MS. */
const RECONCILE_BURST = 20;
const RECONCILE_SPACING_MS = 1200;

/** Cases planned per unit of work. */
const PLAN_CHUNK = 50;
/** How often a tick that goes on (a backlog) looks again for claims a dead process left. */
const RECONCILE_EVERY_MS = 5000;

/** Due steps read per page by the morning digest: small, so no page holds the event loop for long. */
const DIGEST_PAGE = 500;

/** A chunk's case to plan, with the time zones of the people its posts ping. */
interface Planning {
  readonly teamId: string;
  readonly caseId: number;
  readonly tz: string;
  readonly othersTz: string;
}

/** One channel's queue of claimed reminders, posted one at a time. */
interface Lane {
  readonly channel: string;
  readonly queue: Reminder[];
  /** After a rate limit, a closed channel or a refused token, the rest of the queue goes back. */
  stopWith: { until: Date; why: string } | null;
  busy: boolean;
}

export interface TickReport {
  planned: number;
  sent: number;
  failed: number;
  retried: number;
  cancelled: number;
  skipped: boolean;
}

/** A report with nothing counted yet, for tick() and for a deliver() run alone. */
export function emptyReport(): TickReport {
  return { planned: 0, sent: 0, failed: 0, retried: 0, cancelled: 0, skipped: false };
}

/**
 * The reminder engine. Cron only ticks; whether something is due lives in the database.
 *  1. plan: steps needing attention → outbox rows (unique per case/step/kind/occurrence)
 *  2. deliver: claim ready rows in a transaction, post them paced per channel, record the ts
 * A claimed row left behind by a crash is reconciled against the case thread before anything is re-sent.
 */
export class ReminderService {
  readonly #d: Required<Omit<ReminderServiceDeps, 'log' | 'holder' | 'isGone' | 'presenter'>> &
    Pick<ReminderServiceDeps, 'log' | 'holder' | 'isGone' | 'presenter'>;
  /** Claims this process holds right now (their lease is renewed while it works). */
  readonly #mine = new Set<number>();
  #renewedAt = Number.NEGATIVE_INFINITY;
  #digestsPlannedAt = Number.NEGATIVE_INFINITY;
  /** When reconcile() last looked for claims other processes left. */
  #reconciledAt = Number.NEGATIVE_INFINITY;
  #running = false;
  /** Set by deliver() while planning runs alongside it: more reminders are ready to claim. */
  #planned: (() => void) | null = null;

  constructor(deps: ReminderServiceDeps) {
    this.#d = {
      pacer: realPacer,
      channelIntervalMs: 1000,
      batchSize: 500,
      maxAttempts: 8,
      leaseMs: 90_000,
      ...deps,
    };
  }

  /** The bot was invited into a channel: what failed there for want of it goes out again. */
  async channelOpened(teamId: string, channelId: string): Promise<number> {
    return this.#d.reminders.retryChannel(teamId, channelId, this.#d.clock.now());
  }

  /** One tick; a tick already running makes this one a no-op (ticks never overlap). */
  async tick(): Promise<TickReport> {
    const report = emptyReport();
    if (this.#running) return { ...report, skipped: true };
    this.#running = true;
    try {
      await this.reconcile();
      // Delivery starts with the first planned chunk instead of waiting for the whole plan.
      const planning = this.plan(this.#d.clock.now());
      planning.catch(() => {}); // awaited below, even when delivery fails first
      await this.deliver(report, planning);
      report.planned = await planning;
      return report;
    } finally {
      this.#running = false;
    }
  }

  /**
   * Turns steps that need attention into outbox rows. Returns how many reminders were planned.
   * Cases are written PLAN_CHUNK to a unit of work (a savepoint each): one durable commit per
   * chunk instead of per case, and the event loop is never held for long. Slack (the owners'
   * profiles) is asked before a chunk's unit begins, never inside it.
   */
  async plan(now: Date): Promise<number> {
    const { reminders, cases, profiles } = this.#d;
    let planned = await this.planDigests(now);
    if (planned > 0) this.#planned?.();
    const seen = new Set<number>();
    for (;;) {
      // A case whose planning failed stays "needing attention"; never loop over it again this tick.
      const due = (
        await reminders.casesNeedingAttention(now, this.#d.batchSize + seen.size, { people: true })
      ).filter((d) => !seen.has(d.caseId));
      if (due.length === 0) break;
      for (let i = 0; i < due.length; i += PLAN_CHUNK) {
        const chunk: Planning[] = [];
        for (const d of due.slice(i, i + PLAN_CHUNK)) {
          const { teamId, caseId } = d;
          seen.add(caseId);
          try {
            // Whose profiles: read with the due cases (else the case is read for them).
            const who =
              d.ownerId && d.creatorId
                ? { ownerId: d.ownerId, creatorId: d.creatorId }
                : await cases.get(teamId, caseId);
            if (!who) continue;
            const owner = await profiles.resolve(teamId, who.ownerId, now);
            // An escalation pings the creator: it waits for the creator's working hours.
            const creator =
              who.creatorId === who.ownerId
                ? owner
                : await profiles.resolve(teamId, who.creatorId, now);
            chunk.push({ teamId, caseId, tz: owner.tz, othersTz: creator.tz });
          } catch (e) {
            this.#d.log?.error('reminder planning failed', { team: teamId, case: caseId, err: e });
          }
        }
        if (chunk.length > 0) planned += await this.#planChunk(chunk, now);
        this.#planned?.();
        // Let the event loop through between chunks: acks, and posts of what is already planned.
        await new Promise<void>((r) => setImmediate(r));
      }
      if (due.length < this.#d.batchSize) break;
    }
    return planned;
  }

  /**
   * The morning digest: at the start of a person's working day, if `digestMin` or more of the cases
   * they own need attention this morning, one direct message lists them (an outbox row on the first
   * case, keyed by the day), and those cases' nudges today carry no mention.
   */
  async planDigests(now: Date): Promise<number> {
    const { reminders, profiles, uow, playbook } = this.#d;
    // The digest goes out in the first hour of a working day: every 10 minutes is enough to look.
    if (now.getTime() - this.#digestsPlannedAt < 10 * 60_000) return 0;
    this.#digestsPlannedAt = now.getTime();
    const min = playbook.calm.digestMin;
    let planned = 0;
    // Who owns what is due this morning, read a page at a time: one query over every open case held
    // the event loop long enough for the gate to turn commands away as busy.
    const before = new Date(now.getTime() + MORNING_MS);
    const owners = new Map<string, { teamId: string; ownerId: string; ids: Set<number> }>();
    for (let page: DuePage | null = null; !page || page.next; ) {
      page = await reminders.casesDuePage(before, page?.next ?? null, DIGEST_PAGE);
      for (const { teamId, ownerId, caseId } of page.cases) {
        const k = `${teamId}\u0000${ownerId}`;
        const g = owners.get(k) ?? { teamId, ownerId, ids: new Set<number>() };
        g.ids.add(caseId);
        owners.set(k, g);
      }
      if (page.next) await new Promise<void>((r) => setImmediate(r));
    }
    // In (team, owner) order, each owner's cases by id (the digest's row sits on the first).
    const groups = [...owners]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, g]) => ({ ...g, caseIds: [...g.ids].sort((a, b) => a - b) }))
      .filter((g) => g.caseIds.length >= min);
    for (const g of groups) {
      try {
        const { tz } = await profiles.resolve(g.teamId, g.ownerId, now);
        const day = digestDay(now, playbook, tz);
        if (!day) continue;
        // Read, decide and write in one unit: a case changed meanwhile is counted as it stands.
        planned += await uow.run(async (tx) => {
          const due: RecoveryCase[] = [];
          for (const id of g.caseIds) {
            const c = await tx.cases.get(g.teamId, id);
            if (c && c.status === 'open' && c.calm.digestOn !== day) due.push(c);
          }
          const first = due[0];
          if (!first || due.length < min) return 0;
          await tx.reminders.enqueue(
            first,
            'own_up',
            [{ kind: 'digest', occurrence: digestOccurrence(day), notBefore: now, hoursTz: tz }],
            now,
          );
          for (const c of due) await tx.cases.save({ ...c, calm: { ...c.calm, digestOn: day } });
          return 1;
        });
        // One owner's cases written: acks and posts go before the next owner's.
        await new Promise<void>((r) => setImmediate(r));
      } catch (e) {
        this.#d.log?.error('morning digest not planned', { team: g.teamId, err: e });
      }
    }
    return planned;
  }

  /**
   * Plans a chunk of cases in one unit of work, at first without a savepoint per case (two
   * statements each, for a failure that hardly ever comes): if one fails, the unit is rolled back
   * and the chunk planned again with one per case, so one broken case never stops the rest.
   */
  async #planChunk(chunk: readonly Planning[], now: Date): Promise<number> {
    const { uow } = this.#d;
    try {
      return await uow.run(async (tx) => {
        let n = 0;
        for (const p of chunk)
          n += await this.#planCase(tx, p.teamId, p.caseId, p.tz, p.othersTz, now);
        return n;
      });
    } catch {
      // Again, a savepoint per case: the failure is logged with its case below.
    }
    return uow.run(async (tx) => {
      let n = 0;
      for (const { teamId, caseId, tz, othersTz } of chunk) {
        try {
          n += await tx.run((t) => this.#planCase(t, teamId, caseId, tz, othersTz, now));
        } catch (e) {
          // One broken case never stops the batch (its savepoint is rolled back).
          this.#d.log?.error('reminder planning failed', { team: teamId, case: caseId, err: e });
        }
      }
      return n;
    });
  }

  /** Reads the case, plans it (pure) and writes its reminders and the case, through `tx`. */
  async #planCase(
    tx: Repos,
    teamId: string,
    caseId: number,
    tz: string,
    othersTz: string,
    now: Date,
  ): Promise<number> {
    const c = await tx.cases.get(teamId, caseId);
    if (!c) return 0;
    const plan = planCase(c, this.#d.playbook, { owner: tz, others: othersTz }, now);
    // A statement per step planned for (usually one).
    const byStep = new Map<StepKey, PlannedPost[]>();
    for (const p of plan.posts) byStep.set(p.stepKey, [...(byStep.get(p.stepKey) ?? []), p]);
    for (const [key, posts] of byStep) await tx.reminders.enqueue(c, key, posts, now);
    // Only what planning changed is written (the repository compares with the case as read).
    await tx.cases.save(plan.case);
    return plan.posts.length;
  }

  /**
   * Posts every ready reminder, each channel paced to one message per interval. At most
   * `batchSize` claims are held at a time: as posts complete, more are claimed, so one tick drains
   * a backlog and no channel waits for the slowest one of an earlier batch. With `planning` (a
   * plan() running alongside), it also claims what each planned chunk made ready, until it ends.
   */
  async deliver(report: TickReport, planning?: Promise<unknown>): Promise<void> {
    const { reminders, batchSize } = this.#d;
    const lanes = new Map<string, Lane>();
    const running = new Set<Promise<void>>();
    let held = 0;
    let exhausted = false;
    let planned = !planning;
    /** Chunks the planning alongside has stored so far. */
    let chunks = 0;
    /** A claim found fewer ready than it asked for, begun after this many chunks (-1: none did). */
    let shortAfter = -1;
    let closed = false;
    let failure: unknown = null;
    const refillAt = Math.max(1, Math.floor(batchSize / 10));
    const claimOnce = async () => {
      const want = batchSize - held;
      if (closed || exhausted || want <= 0 || (held > 0 && want < refillAt)) return;
      const at = this.#d.clock.now();
      // A long tick (a backlog) looks again, every few seconds, for claims a dead process left:
      // they are settled and back in the queue now, not after this whole backlog.
      if (at.getTime() - this.#reconciledAt >= RECONCILE_EVERY_MS) await this.reconcile();
      const began = chunks;
      const claimed = await reminders.claimReady(at, want, this.#d.holder ?? null);
      // Claims just taken need no renewal for a third of a lease (older ones set the pace).
      if (this.#mine.size === 0 && claimed.length > 0) this.#renewedAt = at.getTime();
      // Nothing more is ready once the planning has ended, unless a chunk was stored meanwhile.
      if (claimed.length < want) {
        shortAfter = began;
        if (planned && began === chunks) exhausted = true;
      }
      // Counted at once: posts that end meanwhile must not make room for more than `batchSize`.
      held += claimed.length;
      // Queued by the channel read with the claim: each case is read once, right before its post.
      for (const r of claimed) {
        if (r.channelId === null) {
          held--;
          await reminders.cancelClaimed(r.id, 'case_missing');
          continue;
        }
        this.#mine.add(r.id);
        let lane = lanes.get(r.channelId);
        if (!lane) {
          lane = { channel: r.channelId, queue: [], stopWith: null, busy: false };
          lanes.set(r.channelId, lane);
        }
        lane.queue.push(r);
        if (!lane.busy) {
          lane.busy = true;
          const run: Promise<void> = this.#runLane(lane, report, done).finally(() =>
            running.delete(run),
          );
          running.add(run);
        }
      }
    };
    // One claim at a time (each one reads what the last left); asked again while one runs, it
    // claims once more when that one is done.
    let claiming: Promise<void> | null = null;
    let again = false;
    const claim = () => {
      if (claiming) {
        again = true;
        return;
      }
      claiming = (async () => {
        do {
          again = false;
          await claimOnce();
        } while (again && !closed);
      })()
        .catch((e: unknown) => {
          failure ??= e;
        })
        .finally(() => {
          claiming = null;
        });
    };
    const done = (r: Reminder) => {
      held--;
      this.#mine.delete(r.id);
      claim();
    };
    const planEnded = () => {
      planned = true;
      this.#planned = null;
      // A claim since the last chunk already found all there is: none again for nothing.
      if (!claiming && shortAfter === chunks) exhausted = true;
      else claim();
    };
    if (planning) {
      this.#planned = () => {
        chunks++;
        claim();
      };
      planning.then(planEnded, planEnded);
    }
    try {
      claim();
      for (;;) {
        if (running.size || claiming) {
          const waits: Promise<void>[] = [...running];
          if (claiming) waits.push(claiming);
          for (const s of await Promise.allSettled(waits))
            if (s.status === 'rejected') failure ??= s.reason;
        } else if (!planned && planning)
          // Only waits for the plan here: its failure reaches the tick, which awaits it after this.
          await planning.catch(() => {});
        else break;
      }
    } finally {
      closed = true;
      this.#planned = null;
      // Claims of a lane that broke off stay claimed; the next tick's reconcile settles them.
      for (const lane of lanes.values()) for (const r of lane.queue) this.#mine.delete(r.id);
    }
    if (failure) throw failure;
  }

  async #runLane(lane: Lane, report: TickReport, done: (r: Reminder) => void): Promise<void> {
    try {
      for (let r = lane.queue.shift(); r; r = lane.queue.shift()) {
        try {
          await this.#deliverOne(lane, r, report);
        } finally {
          done(r);
        }
      }
    } finally {
      lane.busy = false;
    }
  }

  async #deliverOne(lane: Lane, r: Reminder, report: TickReport): Promise<void> {
    const { reminders, pacer, channelIntervalMs, clock } = this.#d;
    const { channel } = lane;
    if (lane.stopWith) {
      await reminders.release(r.id, lane.stopWith.until, lane.stopWith.why);
      report.retried++;
      return;
    }
    // A slot in the channel reserved in the database: every process on it keeps one pace.
    const slot = await reminders.reservePace(
      r.teamId,
      channel,
      pacer.now(),
      channelIntervalMs,
      PACE_STALE_MS,
    );
    const wait = slot - pacer.now();
    if (wait > 0) await pacer.sleep(wait);
    await this.#renewLeases();
    // Read right before posting: a step done (or a case closed) meanwhile must not be nudged.
    const c = await this.#d.cases.get(r.teamId, r.caseId);
    const why = c ? await this.#unwanted(r, c) : 'case_missing';
    if (why || !c) {
      await reminders.cancelClaimed(r.id, why ?? 'case_missing');
      report.cancelled++;
      return;
    }
    // A post waits for the working hours of the person it pings, a retry after an outage too.
    const at0 = clock.now();
    const wh = this.#d.playbook.workingHours;
    if (r.hoursTz && !isWithinWorkingHours(at0, wh, r.hoursTz)) {
      await reminders.postpone(
        r.id,
        clampToWorkingHours(at0, wh, r.hoursTz),
        'outside_working_hours',
      );
      report.retried++;
      return;
    }
    const key = reminderKey(r);
    try {
      // A retry after a timeout or a 5xx may follow a post Slack did make: look before posting again.
      const earlier =
        r.attempts > 1 && r.kind !== 'digest' ? await this.#d.channel.findDelivered(c, key) : null;
      if (earlier) {
        await reminders.markSent(r.id, earlier, clock.now());
        report.sent++;
        return;
      }
      // Never into a channel shared with the client (the redraw below withdraws the case).
      if (r.kind !== 'digest' && c.messageTs && (await this.#d.presenter?.isShared(c)))
        throw new DeliveryFailure('channel', 'channel_shared');
      const ts = await this.#d.channel.deliver(r, c, key);
      // Spaced from Slack's answer, not from the request: whatever delayed the request on its way
      // out, Slack had it by now, so the next post can never reach Slack within the interval.
      await reminders.markSent(r.id, ts, clock.now(), {
        teamId: r.teamId,
        channelId: channel,
        until: pacer.now() + channelIntervalMs,
      });
      report.sent++;
      // A direct message says nothing about the case's channel or what its parent shows.
      if (r.kind === 'digest') return;
      if (c.deliveryProblem) await this.#d.cases.setDeliveryProblem(c.teamId, c.id, null);
      // A nudge goes out when time changed what the case shows (a step came due or overdue, a
      // snooze ended, a cadence moved on): the parent is redrawn from the stored state, so it
      // stays true without anyone clicking.
      await this.#refresh({ ...c, deliveryProblem: null });
    } catch (e) {
      await reminders.pushPace(r.teamId, channel, pacer.now() + channelIntervalMs);
      const f =
        e instanceof DeliveryFailure
          ? e
          : new DeliveryFailure('transient', String((e as Error)?.message ?? e));
      const at = clock.now();
      if (f.kind === 'rate_limited') {
        const until = new Date(at.getTime() + Math.max(f.retryAfterMs, 1000));
        await reminders.release(r.id, until, f.code);
        await reminders.pushPace(r.teamId, channel, pacer.now() + Math.max(f.retryAfterMs, 1000));
        lane.stopWith = { until, why: f.code };
        report.retried++;
      } else if (r.kind === 'digest') {
        // A direct message can't be looked for afterwards (no im:history): whatever went wrong,
        // it is not sent again (at most once), and it never holds back its case's channel.
        await reminders.markFailed(r.id, `digest_in_doubt:${f.code}`);
        report.failed++;
      } else if (f.kind === 'channel') {
        await reminders.markFailed(r.id, f.code);
        // A shared channel: the redraw withdraws the parent, flags the case and tells the owner
        // (flagging it here first would make the redraw think that was done already).
        if (f.code !== 'channel_shared')
          await this.#d.cases.setDeliveryProblem(c.teamId, c.id, f.code);
        await this.#refresh(f.code === 'channel_shared' ? c : { ...c, deliveryProblem: f.code });
        report.failed++;
        lane.stopWith = { until: new Date(at.getTime() + 60 * 60_000), why: f.code };
      } else if (f.kind === 'auth') {
        await this.#d.workspaces.pause(c.teamId, f.code, at);
        await reminders.release(r.id, at, f.code);
        this.#d.log?.warn('workspace paused: Slack refused its token', {
          team: c.teamId,
          slack: f.code,
        });
        lane.stopWith = { until: at, why: f.code };
        report.retried++;
      } else if (f.code === SHARING_UNKNOWN) {
        // Slack could not say whether the channel is shared: nothing was posted, and waiting for it
        // is not a failed attempt (a missing scope must not use up every nudge's tries).
        await reminders.postpone(r.id, new Date(at.getTime() + 60_000), f.code);
        report.retried++;
      } else if (r.attempts >= this.#d.maxAttempts) {
        await reminders.markFailed(r.id, f.code);
        report.failed++;
      } else {
        // Exponential back-off from the outbox, never from the HTTP client (which could double-post).
        const delay = Math.min(60 * 60_000, 30_000 * 2 ** (r.attempts - 1));
        await reminders.release(r.id, new Date(at.getTime() + delay), f.code);
        report.retried++;
      }
    }
  }

  /** Every third of a lease, the claims this process holds are renewed (one transaction). */
  async #renewLeases(): Promise<void> {
    const now = this.#d.clock.now();
    if (now.getTime() - this.#renewedAt < this.#d.leaseMs / 3 || this.#mine.size === 0) return;
    // Set before the write: the lanes posting meanwhile don't renew the same claims again.
    this.#renewedAt = now.getTime();
    await this.#d.reminders.renew([...this.#mine], now);
  }

  async #unwanted(r: Reminder, c: RecoveryCase): Promise<string | null> {
    const current = await this.#d.reminders.get(r.id);
    if (current?.status !== 'claimed') return 'no_longer_claimed';
    // The digest lists the owner's cases as they stand when it is sent: not tied to this step.
    if (r.kind === 'digest') return null;
    if (c.status !== 'open') return 'case_closed';
    const s = c.steps.find((x) => x.key === r.stepKey);
    if (!s || !isOpen(s)) return 'step_closed';
    if (s.status === 'snoozed' && s.snoozedUntil && s.snoozedUntil > this.#d.clock.now())
      return 'step_snoozed';
    // Planned before the client refused: after a refusal only the keep-trying cadence speaks.
    if (heldByRefusal(c, s, this.#d.playbook)) return 'held_after_refusal';
    // Someone acted on the case after this nudge was planned: it would land right after their
    // click. The step's next nudge stays planned. (An escalation or "gone quiet" post is sent all
    // the same: the step was marked escalated when it was planned, so dropping it would lose it.)
    if (r.kind === 'nudge' && c.calm.lastActionAt > r.createdAt) return 'acted_since';
    return null;
  }

  async #refresh(c: RecoveryCase): Promise<void> {
    try {
      const { presenter, channel } = this.#d;
      await (presenter ? presenter.refresh(c) : channel.refreshCase(c));
    } catch {
      // the flag is stored; the message shows it on its next successful update
    }
  }

  /**
   * Claims left in flight by a process that died (their lease ran out): if the case thread holds a
   * message with the reminder's key it was posted (record its ts), else it goes back to the queue.
   * A claim this process holds, or another live process's, is never touched. When Slack can't be
   * asked, the claim waits for the next tick.
   */
  async reconcile(): Promise<{ found: number; requeued: number }> {
    this.#reconciledAt = this.#d.clock.now().getTime();
    let found = 0;
    let requeued = 0;
    const expired = this.#d.clock.now().getTime() - this.#d.leaseMs;
    const byCase = new Map<number, Reminder[]>();
    for (const r of await this.#d.reminders.inFlight()) {
      if (this.#mine.has(r.id)) continue;
      // Another live process's claim, still leased: it is posting it right now.
      const gone =
        !!r.claimedBy && r.claimedBy !== this.#d.holder && !!(await this.#d.isGone?.(r.claimedBy));
      if (r.claimedAt && r.claimedAt.getTime() > expired && !gone) continue;
      // Taken over first, as it was seen: of several processes looking at once, one settles it
      // (another that requeued it while this one read the thread would have it posted twice).
      const holder = this.#d.holder ?? null;
      if (
        holder &&
        !(await this.#d.reminders.takeOver(
          r.id,
          r.claimedBy ?? null,
          r.claimedAt,
          holder,
          this.#d.clock.now(),
        ))
      )
        continue;
      byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
    }
    // One conversations.replies per thread, whatever the number of claims in it; past a short
    // burst, spaced to stay within its rate tier (Tier 3: about 50 a minute).
    let calls = 0;
    for (const claims of byCase.values()) {
      const first = claims[0];
      if (!first) continue;
      const c = await this.#d.cases.get(first.teamId, first.caseId);
      if (!c) {
        for (const r of claims) await this.#d.reminders.cancelClaimed(r.id, 'case_missing');
        continue;
      }
      try {
        if (c.messageTs && calls++ >= RECONCILE_BURST)
          await this.#d.pacer.sleep(RECONCILE_SPACING_MS);
        const posted = c.messageTs
          ? await this.#d.channel.deliveredIn(c)
          : new Map<string, string>();
        for (const r of claims) {
          if (r.kind === 'digest') {
            // Left in flight by a process that died: it may have been sent. At most once.
            await this.#d.reminders.markFailed(r.id, 'digest_in_doubt:restart');
            continue;
          }
          const ts = posted.get(reminderKey(r));
          if (ts) {
            await this.#d.reminders.markSent(r.id, ts, this.#d.clock.now());
            found++;
          } else {
            await this.#d.reminders.release(r.id, this.#d.clock.now(), 'requeued_after_restart');
            requeued++;
          }
        }
      } catch (e) {
        this.#d.log?.error('could not reconcile reminders; will retry', {
          team: c.teamId,
          case: c.id,
          err: e,
        });
        // Rate limited: the rest waits for the next tick instead of pressing on.
        if (e instanceof DeliveryFailure && e.kind === 'rate_limited') break;
      }
    }
    return { found, requeued };
  }
}
