import type { StepKey } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import type {
  PlannedReminder,
  Reminder,
  ReminderKind,
  ReminderStatus,
} from '../domain/reminders.js';
import type { DueCursor, DuePage, ReminderStore } from '../services/ports.js';
import type { Db } from './db.js';

interface Row {
  id: number;
  team_id: string;
  case_id: number;
  step_key: StepKey;
  kind: ReminderKind;
  occurrence: number;
  not_before: number;
  hours_tz: string | null;
  status: ReminderStatus;
  attempts: number;
  claimed_at: number | null;
  claimed_by?: string | null;
  created_at: number;
  message_ts: string | null;
  error: string | null;
}

const toReminder = (r: Row): Reminder => ({
  id: r.id,
  teamId: r.team_id,
  caseId: r.case_id,
  stepKey: r.step_key,
  kind: r.kind,
  occurrence: r.occurrence,
  notBefore: new Date(r.not_before),
  hoursTz: r.hours_tz ?? null,
  status: r.status,
  attempts: r.attempts,
  claimedAt: r.claimed_at === null ? null : new Date(r.claimed_at),
  claimedBy: r.claimed_by ?? null,
  createdAt: new Date(r.created_at),
  messageTs: r.message_ts,
  error: r.error,
});

/** The reminder outbox: a row per (case, step, kind, occurrence), so nothing is ever planned twice. */
export class ReminderRepo implements ReminderStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      attention: db.prepare(
        `SELECT DISTINCT team_id, case_id FROM steps WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`,
      ),
      // Keyset pages over the index of steps needing attention (rowid breaks ties), so the morning
      // digest reads 10^5 due cases a page at a time and the event loop gets through between pages.
      duePage: db.prepare(
        `SELECT s.next_check_at AS at, s.rowid AS rid, c.team_id, c.owner_id, c.id, c.status,
                c.message_ts IS NOT NULL AS posted
         FROM steps s JOIN cases c ON c.id = s.case_id
         WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= ? AND (s.next_check_at, s.rowid) > (?, ?)
         ORDER BY s.next_check_at, s.rowid LIMIT ?`,
      ),
      paceGet: db.prepare('SELECT next_at FROM channel_pace WHERE team_id = ? AND channel_id = ?'),
      paceSet: db.prepare(
        `INSERT INTO channel_pace (team_id, channel_id, next_at) VALUES (?, ?, ?)
         ON CONFLICT (team_id, channel_id) DO UPDATE SET next_at = excluded.next_at`,
      ),
      enqueue:
        db.prepare(`INSERT OR IGNORE INTO reminders (team_id, case_id, step_key, kind, occurrence, created_at, not_before, hours_tz, status)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`),
      ready: db.prepare(`SELECT r.* FROM reminders r LEFT JOIN workspaces w ON w.team_id = r.team_id
        WHERE r.status = 'pending' AND r.not_before <= ? AND w.paused_reason IS NULL ORDER BY r.not_before, r.id LIMIT ?`),
      claim: db.prepare(
        `UPDATE reminders SET status='claimed', claimed_at=?, claimed_by=?, attempts=attempts+1 WHERE id=? AND status='pending'`,
      ),
      get: db.prepare('SELECT * FROM reminders WHERE id = ?'),
      sent: db.prepare(
        `UPDATE reminders SET status='sent', sent_at=?, message_ts=?, error=NULL WHERE id=? AND status='claimed'`,
      ),
      release: db.prepare(
        `UPDATE reminders SET status='pending', not_before=?, error=? WHERE id=? AND status='claimed'`,
      ),
      postpone: db.prepare(
        `UPDATE reminders SET status='pending', not_before=?, error=?, attempts=MAX(attempts-1, 0) WHERE id=? AND status='claimed'`,
      ),
      fail: db.prepare(
        `UPDATE reminders SET status='failed', error=? WHERE id=? AND status IN ('claimed','pending')`,
      ),
      cancel: db.prepare(
        `UPDATE reminders SET status='cancelled', error=? WHERE id=? AND status='claimed'`,
      ),
      inFlight: db.prepare(`SELECT * FROM reminders WHERE status='claimed' ORDER BY id`),
      renew: db.prepare(`UPDATE reminders SET claimed_at=? WHERE id=? AND status='claimed'`),
      retryChannel:
        db.prepare(`UPDATE reminders SET status='pending', attempts=0, not_before=@now, error=NULL
        WHERE status='failed' AND error IN ('not_in_channel','channel_not_found','channel_shared')
          AND case_id IN (SELECT id FROM cases WHERE team_id=@team AND channel_id=@channel AND status='open')`),
      forCase: db.prepare('SELECT * FROM reminders WHERE team_id = ? AND case_id = ? ORDER BY id'),
      counts: db.prepare('SELECT status, COUNT(*) AS n FROM reminders GROUP BY status'),
    };
  }

  /** Cases with at least one step needing attention at `now` (uses the partial index). */
  casesNeedingAttention(now: Date, limit: number): { teamId: string; caseId: number }[] {
    return (
      this.#s.attention.all(now.getTime(), limit) as { team_id: string; case_id: number }[]
    ).map((r) => ({
      teamId: r.team_id,
      caseId: r.case_id,
    }));
  }

  /** Owners with posted open cases needing attention before `before`, with those cases' ids. */
  casesDuePage(before: Date, after: DueCursor | null, limit: number): DuePage {
    const rows = this.#s.duePage.all(
      before.getTime(),
      after?.at ?? Number.MIN_SAFE_INTEGER,
      after?.rowid ?? 0,
      limit,
    ) as {
      at: number;
      rid: number;
      team_id: string;
      owner_id: string;
      id: number;
      status: string;
      posted: number;
    }[];
    const last = rows.at(-1);
    return {
      cases: rows
        .filter((r) => r.status === 'open' && r.posted === 1)
        .map((r) => ({ teamId: r.team_id, ownerId: r.owner_id, caseId: r.id })),
      next: last && rows.length === limit ? { at: last.at, rowid: last.rid } : null,
    };
  }

  enqueue(c: RecoveryCase, stepKey: StepKey, planned: readonly PlannedReminder[], now: Date): void {
    for (const p of planned) {
      this.#s.enqueue.run(
        c.teamId,
        c.id,
        stepKey,
        p.kind,
        p.occurrence,
        now.getTime(),
        (p.notBefore ?? now).getTime(),
        p.hoursTz === undefined ? c.tz : p.hoursTz,
      );
    }
  }

  /**
   * Reserves the next post slot in a channel, for every process on this database: the slot is the
   * later of `now` and the channel's next free time, which moves on by `intervalMs`. A next free
   * time further ahead than `staleMs` (a wall clock stepped back) is not waited for.
   */
  reservePace(
    teamId: string,
    channelId: string,
    now: number,
    intervalMs: number,
    staleMs: number,
  ): number {
    return this.#db
      .transaction(() => {
        const row = this.#s.paceGet.get(teamId, channelId) as { next_at: number } | undefined;
        const next = row && row.next_at - now <= staleMs ? row.next_at : now;
        const slot = Math.max(now, next);
        this.#s.paceSet.run(teamId, channelId, slot + intervalMs);
        return slot;
      })
      .immediate();
  }

  /** Nothing more in this channel before `until` (Slack answered, or asked to wait). */
  pushPace(teamId: string, channelId: string, until: number): void {
    this.#db
      .transaction(() => {
        const row = this.#s.paceGet.get(teamId, channelId) as { next_at: number } | undefined;
        if (!row || row.next_at < until) this.#s.paceSet.run(teamId, channelId, until);
      })
      .immediate();
  }

  /** Moves up to `limit` ready reminders to 'claimed' in one transaction and returns them. */
  claimReady(now: Date, limit: number, holder: string | null = null): Reminder[] {
    return this.#db
      .transaction(() => {
        const rows = this.#s.ready.all(now.getTime(), limit) as Row[];
        const claimed: Reminder[] = [];
        for (const r of rows) {
          if (this.#s.claim.run(now.getTime(), holder, r.id).changes === 1)
            claimed.push(
              toReminder({
                ...r,
                status: 'claimed',
                attempts: r.attempts + 1,
                claimed_at: now.getTime(),
                claimed_by: holder,
              }),
            );
        }
        return claimed;
      })
      .immediate();
  }

  get(id: number): Reminder | null {
    const r = this.#s.get.get(id) as Row | undefined;
    return r ? toReminder(r) : null;
  }

  markSent(id: number, ts: string, now: Date): void {
    this.#s.sent.run(now.getTime(), ts, id);
  }

  /** Back to the queue, not before `at` (rate limits, timeouts, a restart that found no trace in Slack). */
  release(id: number, at: Date, error: string | null): void {
    this.#s.release.run(at.getTime(), error, id);
  }

  /** Back to the queue without counting as an attempt: it was never tried (outside working hours). */
  postpone(id: number, at: Date, why: string): void {
    this.#s.postpone.run(at.getTime(), why, id);
  }

  markFailed(id: number, error: string): void {
    this.#s.fail.run(error, id);
  }

  renew(ids: readonly number[], now: Date): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#s.renew.run(now.getTime(), id);
    })();
  }

  retryChannel(teamId: string, channelId: string, now: Date): number {
    return this.#s.retryChannel.run({ team: teamId, channel: channelId, now: now.getTime() })
      .changes;
  }

  /** A claimed reminder whose step was done meanwhile: never posted. */
  cancelClaimed(id: number, why: string): void {
    this.#s.cancel.run(why, id);
  }

  inFlight(): Reminder[] {
    return (this.#s.inFlight.all() as Row[]).map(toReminder);
  }

  forCase(teamId: string, caseId: number): Reminder[] {
    return (this.#s.forCase.all(teamId, caseId) as Row[]).map(toReminder);
  }

  countsByStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.#s.counts.all() as { status: string; n: number }[]) out[r.status] = r.n;
    return out;
  }
}
