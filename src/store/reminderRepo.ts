import type { StepKey } from '../domain/playbook.js';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import type {
  PlannedReminder,
  Reminder,
  ReminderKind,
  ReminderStatus,
} from '../domain/reminders.js';
import type {
  ClaimedReminder,
  DueCursor,
  DuePage,
  Pace,
  ReminderStore,
} from '../services/ports.js';
import { type Conn, forUpdate, greatest } from './sql.js';

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

/**
 * Each case once, in the order of its earliest step needing attention, walking the index of those
 * steps (next_check_at, case_id, key) and stopping after `limit` cases: a step is the case's first
 * when no other step of the case comes before it (a lookup of the case's few steps by primary key).
 * So its cost follows the cases asked for, not every due step (a backlog after a night away).
 * `people`: the case's owner and creator come with it (by primary key), for their profiles.
 */
const attention = (people: boolean) => `SELECT team_id, case_id${
  people
    ? `,
    (SELECT owner_id FROM cases c WHERE c.id = steps.case_id) AS owner_id,
    (SELECT creator_id FROM cases c WHERE c.id = steps.case_id) AS creator_id`
    : ''
}
  FROM steps
  WHERE next_check_at IS NOT NULL AND next_check_at <= ?
    AND NOT EXISTS (
      SELECT 1 FROM steps o
      WHERE o.case_id = steps.case_id AND o.next_check_at IS NOT NULL
        AND (o.next_check_at < steps.next_check_at
          OR (o.next_check_at = steps.next_check_at AND o.key < steps.key)))
  ORDER BY next_check_at, case_id, key LIMIT ?`;
const ATTENTION = attention(false);
const ATTENTION_PEOPLE = attention(true);

/**
 * Keyset pages over the index of steps needing attention, the step's primary key breaking ties,
 * so the morning digest reads 10^5 due cases a page at a time and the event loop gets through
 * between pages.
 */
const DUE_PAGE = `SELECT s.next_check_at AS at, s.case_id AS step_case, s.key AS step_key,
    c.team_id, c.owner_id, c.id, c.status,
    CASE WHEN c.message_ts IS NOT NULL THEN 1 ELSE 0 END AS posted
  FROM steps s JOIN cases c ON c.id = s.case_id
  WHERE s.next_check_at IS NOT NULL AND s.next_check_at <= ?
    AND (s.next_check_at, s.case_id, s.key) > (?, ?, ?)
  ORDER BY s.next_check_at, s.case_id, s.key LIMIT ?`;

/** Outbox rows, in one statement, by their number. */
const enqueueTexts = new Map<number, string>();
function enqueueText(n: number): string {
  let sql = enqueueTexts.get(n);
  if (sql === undefined) {
    const rows = Array.from({ length: n }, () => "(?, ?, ?, ?, ?, ?, ?, ?, 'pending')").join(', ');
    sql = `INSERT INTO reminders (team_id, case_id, step_key, kind, occurrence, created_at, not_before, hours_tz, status)
  VALUES ${rows} ON CONFLICT DO NOTHING`;
    enqueueTexts.set(n, sql);
  }
  return sql;
}

/**
 * Claims renewed in one statement: the ids padded to a power of two (repeating the last), so a
 * handful of texts serve every count; at most RENEW_MAX a statement.
 */
const RENEW_MAX = 512;
const renewTexts = new Map<number, string>();
function renewText(size: number): string {
  let sql = renewTexts.get(size);
  if (sql === undefined) {
    const marks = Array.from({ length: size }, () => '?').join(', ');
    sql = `UPDATE reminders SET claimed_at=? WHERE status='claimed' AND id IN (${marks})`;
    renewTexts.set(size, sql);
  }
  return sql;
}

/**
 * Channels' pace and posts' ts are light writes: what a power cut loses of them is a pace no
 * restart is quick enough to need, and posts found again in Slack by their metadata.
 */
const LIGHT = { light: true } as const;

/** Nothing before `until`: the channel's next free time moves forward only. */
const PUSH_PACE = `INSERT INTO channel_pace (team_id, channel_id, next_at) VALUES (?, ?, ?)
  ON CONFLICT (team_id, channel_id) DO UPDATE SET next_at = excluded.next_at
  WHERE channel_pace.next_at < excluded.next_at`;

const GET = 'SELECT * FROM reminders WHERE id = ?';
const SENT = `UPDATE reminders SET status='sent', sent_at=?, message_ts=?, error=NULL WHERE id=? AND status='claimed'`;
/** PUSH_PACE and SENT in one statement (PostgreSQL's writes in WITH). */
const SENT_PACED = `WITH pace AS (${PUSH_PACE}) ${SENT}`;
const RELEASE = `UPDATE reminders SET status='pending', not_before=?, error=? WHERE id=? AND status='claimed'`;
const FAIL = `UPDATE reminders SET status='failed', error=? WHERE id=? AND status IN ('claimed','pending')`;
const CANCEL = `UPDATE reminders SET status='cancelled', error=? WHERE id=? AND status='claimed'`;
const IN_FLIGHT = `SELECT * FROM reminders WHERE status='claimed' ORDER BY id`;
const RETRY_CHANNEL = `UPDATE reminders SET status='pending', attempts=0, not_before=?, error=NULL
  WHERE status='failed' AND error IN ('not_in_channel','channel_not_found','channel_shared')
    AND case_id IN (SELECT id FROM cases WHERE team_id=? AND channel_id=? AND status='open')`;
const FOR_CASE = 'SELECT * FROM reminders WHERE team_id = ? AND case_id = ? ORDER BY id';
const COUNTS = 'SELECT status, COUNT(*) AS n FROM reminders GROUP BY status ORDER BY status';

/** The statements whose words differ between the engines. */
function dialectSql(c: Conn) {
  return {
    /**
     * The slot is the later of now and the channel's next free time, unless that is further ahead
     * than `staleMs` (then now); the channel's next free time becomes slot + interval. One upsert:
     * the row is locked while it is computed, so two processes never get the same slot.
     */
    reservePace: `INSERT INTO channel_pace (team_id, channel_id, next_at) VALUES (?, ?, ?)
      ON CONFLICT (team_id, channel_id) DO UPDATE SET next_at =
        CASE WHEN channel_pace.next_at <= ? THEN ${greatest(c, 'channel_pace.next_at', '?')} ELSE ? END + ?
      RETURNING next_at`,
    /**
     * One statement: the ready rows (of workspaces not paused, oldest first) are picked and moved to
     * 'claimed'. On PostgreSQL rows another process is claiming are skipped (SKIP LOCKED), so two
     * processes never claim the same reminder, nor wait for each other; SQLite has one writer.
     * Each comes with its case's channel (by primary key), which delivery queues it by.
     */
    claim: `UPDATE reminders SET status='claimed', claimed_at=?, claimed_by=?, attempts=attempts+1
      WHERE id IN (
        SELECT r.id FROM reminders r
        WHERE r.status = 'pending' AND r.not_before <= ?
          AND NOT EXISTS (
            SELECT 1 FROM workspaces w WHERE w.team_id = r.team_id AND w.paused_reason IS NOT NULL)
        ORDER BY r.not_before, r.id LIMIT ?${forUpdate(c, true)})
      RETURNING *, (SELECT channel_id FROM cases c WHERE c.id = reminders.case_id) AS channel_id`,
    postpone: `UPDATE reminders SET status='pending', not_before=?, error=?, attempts=${greatest(c, 'attempts-1', '0')}
      WHERE id=? AND status='claimed'`,
  };
}

/** The reminder outbox: a row per (case, step, kind, occurrence), so nothing is ever planned twice. */
export class ReminderRepo implements ReminderStore {
  readonly #sql: ReturnType<typeof dialectSql>;

  constructor(readonly conn: Conn) {
    this.#sql = dialectSql(conn);
  }

  /** Cases with at least one step needing attention at `now` (uses the partial index). */
  async casesNeedingAttention(
    now: Date,
    limit: number,
    o: { readonly people?: boolean } = {},
  ): Promise<{ teamId: string; caseId: number; ownerId?: string; creatorId?: string }[]> {
    const rows = await this.conn.all<{
      team_id: string;
      case_id: number;
      owner_id?: string | null;
      creator_id?: string | null;
    }>(o.people ? ATTENTION_PEOPLE : ATTENTION, [now.getTime(), limit]);
    return rows.map((r) =>
      r.owner_id && r.creator_id
        ? { teamId: r.team_id, caseId: r.case_id, ownerId: r.owner_id, creatorId: r.creator_id }
        : { teamId: r.team_id, caseId: r.case_id },
    );
  }

  /** Owners with posted open cases needing attention before `before`, with those cases' ids. */
  async casesDuePage(before: Date, after: DueCursor | null, limit: number): Promise<DuePage> {
    const rows = await this.conn.all<{
      at: number;
      step_case: number;
      step_key: string;
      team_id: string;
      owner_id: string;
      id: number;
      status: string;
      posted: number;
    }>(DUE_PAGE, [
      before.getTime(),
      after?.at ?? Number.MIN_SAFE_INTEGER,
      after?.caseId ?? 0,
      after?.key ?? '',
      limit,
    ]);
    const last = rows.at(-1);
    return {
      cases: rows
        .filter((r) => r.status === 'open' && r.posted === 1)
        .map((r) => ({ teamId: r.team_id, ownerId: r.owner_id, caseId: r.id })),
      next:
        last && rows.length === limit
          ? { at: last.at, caseId: last.step_case, key: last.step_key }
          : null,
    };
  }

  /** One statement; a row already there for (case, step, kind, occurrence) is left as it is. */
  async enqueue(
    c: RecoveryCase,
    stepKey: StepKey,
    planned: readonly PlannedReminder[],
    now: Date,
  ): Promise<void> {
    if (planned.length === 0) return;
    await this.conn.run(
      enqueueText(planned.length),
      planned.flatMap((p) => [
        c.teamId,
        c.id,
        stepKey,
        p.kind,
        p.occurrence,
        now.getTime(),
        (p.notBefore ?? now).getTime(),
        p.hoursTz === undefined ? c.tz : p.hoursTz,
      ]),
    );
  }

  /**
   * Reserves the next post slot in a channel, for every process on this database: the slot is the
   * later of `now` and the channel's next free time, which moves on by `intervalMs`. A next free
   * time further ahead than `staleMs` (a wall clock stepped back) is not waited for.
   */
  async reservePace(
    teamId: string,
    channelId: string,
    now: number,
    intervalMs: number,
    staleMs: number,
  ): Promise<number> {
    const row = await this.conn.get<{ next_at: number }>(
      this.#sql.reservePace,
      [teamId, channelId, now + intervalMs, now + staleMs, now, now, intervalMs],
      LIGHT,
    );
    return Number(row?.next_at) - intervalMs;
  }

  /** Nothing more in this channel before `until` (Slack answered, or asked to wait). */
  async pushPace(teamId: string, channelId: string, until: number): Promise<void> {
    await this.conn.run(PUSH_PACE, [teamId, channelId, until], LIGHT);
  }

  /**
   * Moves up to `limit` ready reminders to 'claimed' in one statement and returns them, oldest
   * first (the order they were picked in).
   */
  async claimReady(
    now: Date,
    limit: number,
    holder: string | null = null,
  ): Promise<ClaimedReminder[]> {
    const rows = await this.conn.all<Row & { channel_id: string | null }>(this.#sql.claim, [
      now.getTime(),
      holder,
      now.getTime(),
      limit,
    ]);
    return rows
      .sort((a, b) => a.not_before - b.not_before || a.id - b.id)
      .map((r) => ({ ...toReminder(r), channelId: r.channel_id ?? null }));
  }

  async get(id: number): Promise<Reminder | null> {
    const r = await this.conn.get<Row>(GET, [id]);
    return r ? toReminder(r) : null;
  }

  /**
   * A light write (docs/operations.md: a record of what Slack shows): a power cut may lose it, and
   * the claim it settles, still in flight after the restart, is found posted by its metadata.
   */
  async markSent(id: number, ts: string, now: Date, pace?: Pace): Promise<void> {
    if (!pace) {
      await this.conn.run(SENT, [now.getTime(), ts, id], LIGHT);
      return;
    }
    const paceParams = [pace.teamId, pace.channelId, pace.until];
    // PostgreSQL: one round trip. SQLite has no writes in WITH: two statements (no round trips).
    if (this.conn.dialect === 'postgres')
      await this.conn.run(SENT_PACED, [...paceParams, now.getTime(), ts, id], LIGHT);
    else {
      await this.conn.run(PUSH_PACE, paceParams, LIGHT);
      await this.conn.run(SENT, [now.getTime(), ts, id], LIGHT);
    }
  }

  /** Back to the queue, not before `at` (rate limits, timeouts, a restart that found no trace in Slack). */
  async release(id: number, at: Date, error: string | null): Promise<void> {
    await this.conn.run(RELEASE, [at.getTime(), error, id]);
  }

  /** Back to the queue without counting as an attempt: it was never tried (outside working hours). */
  async postpone(id: number, at: Date, why: string): Promise<void> {
    await this.conn.run(this.#sql.postpone, [at.getTime(), why, id]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.conn.run(FAIL, [error, id]);
  }

  /** One statement (a few for thousands of claims: then in one transaction). */
  async renew(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    const write = async (c: Conn) => {
      for (let i = 0; i < ids.length; i += RENEW_MAX) {
        const part = ids.slice(i, i + RENEW_MAX);
        let size = 1;
        while (size < part.length) size *= 2;
        const params: number[] = [now.getTime(), ...part];
        while (params.length < size + 1) params.push(part[part.length - 1] as number);
        await c.run(renewText(size), params);
      }
    };
    await (ids.length <= RENEW_MAX ? write(this.conn) : this.conn.transaction(write));
  }

  async retryChannel(teamId: string, channelId: string, now: Date): Promise<number> {
    return this.conn.run(RETRY_CHANNEL, [now.getTime(), teamId, channelId]);
  }

  /** A claimed reminder whose step was done meanwhile: never posted. */
  async cancelClaimed(id: number, why: string): Promise<void> {
    await this.conn.run(CANCEL, [why, id]);
  }

  async takeOver(
    id: number,
    from: string | null,
    claimedAt: Date | null,
    holder: string,
    now: Date,
  ): Promise<boolean> {
    const n = await this.conn.run(
      `UPDATE reminders SET claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'claimed'
       AND ${from === null ? 'claimed_by IS NULL' : 'claimed_by = ?'}
       AND ${claimedAt === null ? 'claimed_at IS NULL' : 'claimed_at = ?'}`,
      [
        holder,
        now.getTime(),
        id,
        ...(from === null ? [] : [from]),
        ...(claimedAt === null ? [] : [claimedAt.getTime()]),
      ],
    );
    return n === 1;
  }

  async inFlight(): Promise<Reminder[]> {
    return (await this.conn.all<Row>(IN_FLIGHT)).map(toReminder);
  }

  async forCase(teamId: string, caseId: number): Promise<Reminder[]> {
    return (await this.conn.all<Row>(FOR_CASE, [teamId, caseId])).map(toReminder);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await this.conn.all<{ status: string; n: number }>(COUNTS))
      out[r.status] = Number(r.n);
    return out;
  }
}
