import type { Clock } from '../domain/clock.js';
import type { Playbook } from '../domain/playbook.js';
import { isOpen, type RecoveryCase } from '../domain/recoveryCase.js';
import { planStep } from '../domain/reminders.js';
import type { CaseRepo } from '../store/caseRepo.js';
import type { Db } from '../store/db.js';
import { type Reminder, type ReminderRepo, reminderKey } from '../store/reminderRepo.js';
import type { WorkspaceRepo } from '../store/workspaceRepo.js';
import { DeliveryFailure, type ReminderChannel } from './ports.js';
import type { ProfileService } from './profiles.js';

export interface Pacer {
  /** Monotonic-ish milliseconds used to space posts in one channel. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realPacer: Pacer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface ReminderServiceDeps {
  readonly db: Db;
  readonly cases: CaseRepo;
  readonly reminders: ReminderRepo;
  readonly workspaces: WorkspaceRepo;
  readonly profiles: ProfileService;
  readonly playbook: Playbook;
  readonly channel: ReminderChannel;
  readonly clock: Clock;
  readonly pacer?: Pacer;
  /** Slack allows about one message per second per channel. */
  readonly channelIntervalMs?: number;
  readonly batchSize?: number;
  readonly maxAttempts?: number;
  readonly log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export interface TickReport {
  planned: number;
  sent: number;
  failed: number;
  retried: number;
  cancelled: number;
  skipped: boolean;
}

/**
 * The reminder engine. Cron only ticks; whether something is due lives in SQLite.
 *  1. plan: steps needing attention → outbox rows (unique per case/step/kind/occurrence)
 *  2. deliver: claim ready rows in a transaction, post them paced per channel, record the ts
 * A claimed row left behind by a crash is reconciled against the case thread before anything is re-sent.
 */
export class ReminderService {
  readonly #d: Required<Omit<ReminderServiceDeps, 'log'>> & Pick<ReminderServiceDeps, 'log'>;
  readonly #lastPost = new Map<string, number>();
  /** Claims this process holds right now; any other claim belongs to a process that died. */
  readonly #mine = new Set<number>();
  #running = false;

  constructor(deps: ReminderServiceDeps) {
    this.#d = {
      pacer: realPacer,
      channelIntervalMs: 1000,
      batchSize: 500,
      maxAttempts: 8,
      ...deps,
    };
  }

  /** One tick; a tick already running makes this one a no-op (ticks never overlap). */
  async tick(): Promise<TickReport> {
    const report: TickReport = {
      planned: 0,
      sent: 0,
      failed: 0,
      retried: 0,
      cancelled: 0,
      skipped: false,
    };
    if (this.#running) return { ...report, skipped: true };
    this.#running = true;
    try {
      await this.reconcile();
      report.planned = await this.plan(this.#d.clock.now());
      await this.deliver(report);
      return report;
    } finally {
      this.#running = false;
    }
  }

  /** Turns steps that need attention into outbox rows. Returns how many reminders were planned. */
  async plan(now: Date): Promise<number> {
    const { reminders, cases, profiles, playbook, db } = this.#d;
    let planned = 0;
    const seen = new Set<number>();
    for (;;) {
      // A case whose planning failed stays "needing attention"; never loop over it again this tick.
      const due = reminders
        .casesNeedingAttention(now, this.#d.batchSize + seen.size)
        .filter((d) => !seen.has(d.caseId));
      if (due.length === 0) break;
      for (const { teamId, caseId } of due) {
        seen.add(caseId);
        try {
          const c0 = cases.get(teamId, caseId);
          if (!c0) continue;
          const owner = await profiles.resolve(teamId, c0.ownerId, now);
          planned += db
            .transaction(() => {
              const c = cases.get(teamId, caseId);
              if (!c) return 0;
              let n = 0;
              const steps = c.steps.map((s) => {
                const p = planStep(c, s, playbook, owner.tz, now);
                reminders.enqueue(c, s.key, p.reminders, now);
                n += p.reminders.length;
                return p.step;
              });
              cases.save({ ...c, tz: owner.tz, steps });
              return n;
            })
            .immediate();
        } catch (e) {
          // One broken case never stops the batch.
          this.#d.log?.('reminder planning failed', { teamId, caseId, error: String(e) });
        }
      }
      if (due.length < this.#d.batchSize) break;
    }
    return planned;
  }

  /** Claims ready reminders and posts them, each channel paced to one message per interval. */
  async deliver(report: TickReport): Promise<void> {
    const now = this.#d.clock.now();
    const claimed = this.#d.reminders.claimReady(now, this.#d.batchSize);
    for (const r of claimed) this.#mine.add(r.id);
    try {
      await this.#deliverClaimed(claimed, report);
    } finally {
      for (const r of claimed) this.#mine.delete(r.id);
    }
  }

  async #deliverClaimed(claimed: Reminder[], report: TickReport): Promise<void> {
    const byChannel = new Map<string, { r: Reminder; c: RecoveryCase }[]>();
    for (const r of claimed) {
      const c = this.#d.cases.get(r.teamId, r.caseId);
      if (!c) {
        this.#d.reminders.cancelClaimed(r.id, 'case_missing');
        continue;
      }
      const list = byChannel.get(c.channelId) ?? [];
      list.push({ r, c });
      byChannel.set(c.channelId, list);
    }
    await Promise.all(
      [...byChannel.entries()].map(([channel, items]) =>
        this.#deliverChannel(channel, items, report),
      ),
    );
  }

  async #deliverChannel(
    channel: string,
    items: { r: Reminder; c: RecoveryCase }[],
    report: TickReport,
  ): Promise<void> {
    const { reminders, pacer, channelIntervalMs, clock } = this.#d;
    let stopWith: { until: Date; why: string } | null = null;
    for (const { r } of items) {
      if (stopWith) {
        reminders.release(r.id, stopWith.until, stopWith.why);
        report.retried++;
        continue;
      }
      const wait =
        (this.#lastPost.get(channel) ?? Number.NEGATIVE_INFINITY) + channelIntervalMs - pacer.now();
      if (wait > 0) await pacer.sleep(wait);
      // Re-read right before posting: a step done (or a case closed) meanwhile must not be nudged.
      const c = this.#d.cases.get(r.teamId, r.caseId);
      const why = c ? this.#unwanted(r, c) : 'case_missing';
      if (why || !c) {
        reminders.cancelClaimed(r.id, why ?? 'case_missing');
        report.cancelled++;
        continue;
      }
      const key = reminderKey(r);
      try {
        // A retry after a timeout or a 5xx may follow a post Slack did make: look before posting again.
        const earlier = r.attempts > 1 ? await this.#d.channel.findDelivered(c, key) : null;
        if (earlier) {
          reminders.markSent(r.id, earlier, clock.now());
          report.sent++;
          continue;
        }
        this.#lastPost.set(channel, pacer.now());
        const ts = await this.#d.channel.deliver(r, c, key);
        reminders.markSent(r.id, ts, clock.now());
        report.sent++;
        if (c.deliveryProblem) {
          this.#d.cases.setDeliveryProblem(c.teamId, c.id, null);
          await this.#refresh({ ...c, deliveryProblem: null });
        }
      } catch (e) {
        const f =
          e instanceof DeliveryFailure
            ? e
            : new DeliveryFailure('transient', String((e as Error)?.message ?? e));
        const at = clock.now();
        if (f.kind === 'rate_limited') {
          const until = new Date(at.getTime() + Math.max(f.retryAfterMs, 1000));
          reminders.release(r.id, until, f.code);
          this.#lastPost.set(channel, pacer.now() + Math.max(f.retryAfterMs, 1000));
          stopWith = { until, why: f.code };
          report.retried++;
        } else if (f.kind === 'channel') {
          reminders.markFailed(r.id, f.code);
          this.#d.cases.setDeliveryProblem(c.teamId, c.id, f.code);
          await this.#refresh({ ...c, deliveryProblem: f.code });
          report.failed++;
          stopWith = { until: new Date(at.getTime() + 60 * 60_000), why: f.code };
        } else if (f.kind === 'auth') {
          this.#d.workspaces.pause(c.teamId, f.code, at);
          reminders.release(r.id, at, f.code);
          this.#d.log?.('workspace paused: Slack refused its token', {
            teamId: c.teamId,
            error: f.code,
          });
          stopWith = { until: at, why: f.code };
          report.retried++;
        } else if (r.attempts >= this.#d.maxAttempts) {
          reminders.markFailed(r.id, f.code);
          report.failed++;
        } else {
          // Exponential back-off from the outbox, never from the HTTP client (which could double-post).
          const delay = Math.min(60 * 60_000, 30_000 * 2 ** (r.attempts - 1));
          reminders.release(r.id, new Date(at.getTime() + delay), f.code);
          report.retried++;
        }
      }
    }
  }

  #unwanted(r: Reminder, c: RecoveryCase): string | null {
    const current = this.#d.reminders.get(r.id);
    if (current?.status !== 'claimed') return 'no_longer_claimed';
    if (c.status !== 'open') return 'case_closed';
    const s = c.steps.find((x) => x.key === r.stepKey);
    if (!s || !isOpen(s)) return 'step_closed';
    if (s.status === 'snoozed' && s.snoozedUntil && s.snoozedUntil > this.#d.clock.now())
      return 'step_snoozed';
    return null;
  }

  async #refresh(c: RecoveryCase): Promise<void> {
    try {
      await this.#d.channel.refreshCase(c);
    } catch {
      // the flag is stored; the message shows it on its next successful update
    }
  }

  /**
   * Claims left in flight by a process that died: if the case thread holds a message with the
   * reminder's key it was posted (record its ts), else it goes back to the queue. A claim this
   * process holds is never touched. When Slack can't be asked, the claim waits for the next tick.
   */
  async reconcile(): Promise<{ found: number; requeued: number }> {
    let found = 0;
    let requeued = 0;
    for (const r of this.#d.reminders.inFlight()) {
      if (this.#mine.has(r.id)) continue;
      const c = this.#d.cases.get(r.teamId, r.caseId);
      if (!c) {
        this.#d.reminders.cancelClaimed(r.id, 'case_missing');
        continue;
      }
      try {
        const ts = c.messageTs ? await this.#d.channel.findDelivered(c, reminderKey(r)) : null;
        if (ts) {
          this.#d.reminders.markSent(r.id, ts, this.#d.clock.now());
          found++;
        } else {
          this.#d.reminders.release(r.id, this.#d.clock.now(), 'requeued_after_restart');
          requeued++;
        }
      } catch (e) {
        this.#d.log?.('could not reconcile reminder; will retry', { id: r.id, error: String(e) });
      }
    }
    return { found, requeued };
  }
}
