import { DomainError } from '../domain/errors.js';
import type { Playbook, Severity, StepKey } from '../domain/playbook.js';
import type {
  CadenceLog,
  CaseEvent,
  CaseStatus,
  Changed,
  ClientAnswer,
  CorrectiveChange,
  Outline,
  RecoveryCase,
  Step,
  StepStatus,
} from '../domain/recoveryCase.js';
import { isOpen } from '../domain/recoveryCase.js';
import { nextCheckAt } from '../domain/reminders.js';
import { wellFormed } from '../domain/text.js';
import type { CaseStore } from '../services/ports.js';
import { type Db, lightly } from './db.js';

interface CaseRow {
  id: number;
  team_id: string;
  channel_id: string;
  message_ts: string | null;
  client: string;
  summary: string;
  severity: Severity;
  owner_id: string;
  creator_id: string;
  status: CaseStatus;
  answer: ClientAnswer | null;
  answered_at: number | null;
  outcome_reason: string | null;
  meeting_at: number | null;
  fix_meeting_at: number | null;
  outline: string | null;
  lang: string;
  tz: string;
  created_at: number;
  closed_at: number | null;
  delivery_problem: string | null;
  client_channel_id: string | null;
  source_link: string | null;
  changes: string | null;
  version: number;
  last_action_at: number | null;
  posted_on: string | null;
  posts_that_day: number;
  last_post_at: number | null;
  quiet_until: number | null;
  stalled_at: number | null;
  stalls: number;
  digest_on: string | null;
}

interface StepRow {
  case_id: number;
  key: StepKey;
  position: number;
  optional: number;
  status: StepStatus;
  started_at: number | null;
  due_at: number | null;
  done_at: number | null;
  done_by: string | null;
  note: string | null;
  snoozed_until: number | null;
  next_remind_at: number | null;
  remind_count: number;
  escalated_at: number | null;
  version: number;
  cadence?: string | null;
}

export interface EventRecord extends CaseEvent {
  readonly id: number;
  readonly at: Date;
}

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

function toStep(r: StepRow): Step {
  return {
    key: r.key,
    position: r.position,
    optional: r.optional === 1,
    status: r.status,
    startedAt: date(r.started_at),
    dueAt: date(r.due_at),
    doneAt: date(r.done_at),
    doneBy: r.done_by,
    note: r.note,
    snoozedUntil: date(r.snoozed_until),
    nextRemindAt: date(r.next_remind_at),
    remindCount: r.remind_count,
    escalatedAt: date(r.escalated_at),
    version: r.version,
    ...(r.cadence ? { cadence: readCadence(r.cadence) } : {}),
  };
}

/** A cadence's record as stored: instants as epoch milliseconds. */
interface StoredCadence {
  recorded: number;
  missed: number[];
  extra: number[];
}

/** A follow-up cadence's record from its JSON column (see writeCadence). */
export function readCadence(json: string): CadenceLog {
  const v = JSON.parse(json) as Partial<StoredCadence>;
  const dates = (xs: unknown) =>
    Array.isArray(xs) ? xs.filter((x) => typeof x === 'number').map((x) => new Date(x)) : [];
  return {
    recorded: typeof v.recorded === 'number' ? v.recorded : 0,
    missed: dates(v.missed),
    extra: dates(v.extra),
  };
}

/** The JSON column of a cadence's record; null when nothing is on record. */
export function writeCadence(log: CadenceLog | undefined): string | null {
  if (!log || (log.recorded === 0 && log.missed.length === 0 && log.extra.length === 0))
    return null;
  const out: StoredCadence = {
    recorded: log.recorded,
    missed: log.missed.map((d) => d.getTime()),
    extra: log.extra.map((d) => d.getTime()),
  };
  return JSON.stringify(out);
}

type StoredChange = Omit<CorrectiveChange, 'by' | 'doneAt'> & {
  by: number | null;
  doneAt: number | null;
};

/**
 * A JSON column as stored text: made well-formed on read. JSON keeps a lone surrogate as `\ud800`,
 * so a case stored before text was repaired at the door would break every read of it again (the
 * plain text columns come back well-formed already: SQLite's bytes decode to U+FFFD).
 */
const readJson = <T>(json: string): T => wellFormed(JSON.parse(json) as T);

function parseChanges(json: string): CorrectiveChange[] {
  return readJson<StoredChange[]>(json).map((x) => ({
    ...x,
    by: date(x.by),
    doneAt: date(x.doneAt),
  }));
}

function toCase(r: CaseRow, steps: StepRow[]): RecoveryCase {
  return {
    id: r.id,
    teamId: r.team_id,
    channelId: r.channel_id,
    messageTs: r.message_ts,
    client: r.client,
    summary: r.summary,
    severity: r.severity,
    ownerId: r.owner_id,
    creatorId: r.creator_id,
    status: r.status,
    answer: r.answer,
    answeredAt: date(r.answered_at),
    outcomeReason: r.outcome_reason,
    meetingAt: date(r.meeting_at),
    fixMeetingAt: date(r.fix_meeting_at ?? null),
    outline: r.outline ? readJson<Outline>(r.outline) : null,
    lang: r.lang,
    tz: r.tz,
    createdAt: new Date(r.created_at),
    closedAt: date(r.closed_at),
    deliveryProblem: r.delivery_problem,
    clientChannelId: r.client_channel_id ?? null,
    sourceLink: r.source_link ?? null,
    changes: r.changes ? parseChanges(r.changes) : [],
    version: r.version,
    steps: steps.map(toStep),
    calm: {
      lastActionAt: new Date(r.last_action_at ?? r.created_at),
      postedOn: r.posted_on,
      postsThatDay: r.posts_that_day,
      lastPostAt: date(r.last_post_at),
      quietUntil: date(r.quiet_until),
      stalledAt: date(r.stalled_at),
      stalls: r.stalls,
      digestOn: r.digest_on ?? null,
    },
  };
}

/** The recovery-case aggregate (case + steps + audit events). Every statement filters by team_id. */
export class CaseRepo implements CaseStore {
  readonly #db: Db;
  readonly #pb: Playbook;
  readonly #s;

  constructor(db: Db, playbook: Playbook) {
    this.#db = db;
    this.#pb = playbook;
    this.#s = {
      insertCase:
        db.prepare(`INSERT INTO cases (team_id, channel_id, message_ts, client, summary, severity, owner_id, creator_id, status,
        answer, answered_at, outcome_reason, meeting_at, outline, lang, tz, created_at, closed_at, delivery_problem, version, client_channel_id, changes, fix_meeting_at,
        last_action_at, posted_on, posts_that_day, last_post_at, quiet_until, stalled_at, stalls, digest_on, source_link)
        VALUES (@team_id, @channel_id, @message_ts, @client, @summary, @severity, @owner_id, @creator_id, @status, @answer, @answered_at,
        @outcome_reason, @meeting_at, @outline, @lang, @tz, @created_at, @closed_at, @delivery_problem, @version, @client_channel_id, @changes, @fix_meeting_at,
        @last_action_at, @posted_on, @posts_that_day, @last_post_at, @quiet_until, @stalled_at, @stalls, @digest_on, @source_link)`),
      updateCase:
        db.prepare(`UPDATE cases SET channel_id=@channel_id, client_channel_id=@client_channel_id, changes=@changes, fix_meeting_at=@fix_meeting_at, message_ts=@message_ts, owner_id=@owner_id, status=@status, answer=@answer,
        answered_at=@answered_at, outcome_reason=@outcome_reason, meeting_at=@meeting_at, outline=@outline, lang=@lang, tz=@tz, closed_at=@closed_at,
        delivery_problem=@delivery_problem, version=@version, last_action_at=@last_action_at, posted_on=@posted_on,
        posts_that_day=@posts_that_day, last_post_at=@last_post_at, quiet_until=@quiet_until, stalled_at=@stalled_at,
        stalls=@stalls, digest_on=@digest_on WHERE id=@id AND team_id=@team_id`),
      insertStep:
        db.prepare(`INSERT INTO steps (case_id, team_id, key, position, optional, status, started_at, due_at, done_at, done_by,
        note, snoozed_until, next_remind_at, remind_count, escalated_at, version, next_check_at, cadence) VALUES (@case_id, @team_id, @key,
        @position, @optional, @status, @started_at, @due_at, @done_at, @done_by, @note, @snoozed_until, @next_remind_at, @remind_count,
        @escalated_at, @version, @next_check_at, @cadence)`),
      updateStep:
        db.prepare(`UPDATE steps SET status=@status, started_at=@started_at, due_at=@due_at, done_at=@done_at, done_by=@done_by,
        note=@note, snoozed_until=@snoozed_until, next_remind_at=@next_remind_at, remind_count=@remind_count, escalated_at=@escalated_at,
        version=@version, next_check_at=@next_check_at, cadence=@cadence WHERE case_id=@case_id AND team_id=@team_id AND key=@key`),
      getCase: db.prepare('SELECT * FROM cases WHERE id = ? AND team_id = ?'),
      getSteps: db.prepare(
        'SELECT * FROM steps WHERE case_id = ? AND team_id = ? ORDER BY position',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (team_id, case_id, at, actor, type, step_key, data) VALUES (@team_id, @case_id, @at, @actor, @type, @step_key, @data)',
      ),
      events: db.prepare('SELECT * FROM events WHERE team_id = ? AND case_id = ? ORDER BY id'),
      listOpen:
        db.prepare(`SELECT * FROM cases WHERE team_id = @team_id AND status = 'open' AND (channel_id = @channel_id OR owner_id = @user_id)
        ORDER BY created_at DESC LIMIT @limit`),
      waitingIn: db.prepare(
        `SELECT * FROM cases INDEXED BY cases_waiting WHERE team_id = ? AND channel_id = ?
           AND status = 'open' AND message_ts IS NULL AND delivery_problem IS NOT NULL
           ORDER BY id LIMIT 50`,
      ),
      listUnposted: db.prepare(
        `SELECT * FROM cases WHERE message_ts IS NULL AND status = 'open' ORDER BY id LIMIT ?`,
      ),
      listOpenInTeam: db.prepare(
        `SELECT * FROM cases WHERE team_id = ? AND status = 'open' ORDER BY created_at DESC LIMIT ?`,
      ),
      listOwned: db.prepare(
        `SELECT * FROM cases WHERE team_id = ? AND status = 'open' AND owner_id = ? ORDER BY created_at DESC LIMIT ?`,
      ),
      // The morning digest sits on a case's own_up row but lists several cases: a step or a case
      // closing never cancels it (it is drawn from the cases as they stand when it is sent).
      cancelStepReminders: db.prepare(
        `UPDATE reminders SET status='cancelled' WHERE case_id = ? AND team_id = ? AND step_key = ? AND status = 'pending' AND kind != 'digest'`,
      ),
      cancelCaseReminders: db.prepare(
        `UPDATE reminders SET status='cancelled' WHERE case_id = ? AND team_id = ? AND status = 'pending' AND kind != 'digest'`,
      ),
      setMessage: db.prepare('UPDATE cases SET message_ts = ? WHERE id = ? AND team_id = ?'),
      setFirstReply: db.prepare('UPDATE cases SET first_reply_ts = ? WHERE id = ? AND team_id = ?'),
      firstReplyOf: db.prepare(
        'SELECT first_reply_ts AS ts FROM cases WHERE id = ? AND team_id = ?',
      ),
      setRendered: db.prepare(
        `UPDATE cases SET rendered_at = MAX(COALESCE(rendered_at, 0), ?),
           rendered_version = MAX(rendered_version, ?) WHERE id = ? AND team_id = ?`,
      ),
      missingFirstReply: db.prepare(
        `SELECT * FROM cases WHERE message_ts IS NOT NULL AND first_reply_ts IS NULL AND status = 'open'
           AND created_at < ? ORDER BY id LIMIT ?`,
      ),
      // Steps that came due (or whose snooze ended) in the window, through their indexes, then
      // their cases drawn before that moment.
      staleParents: db.prepare(
        `SELECT c.* FROM cases c WHERE c.id IN (
           SELECT s.case_id FROM steps s INDEXED BY steps_pending_due
             WHERE s.status = 'pending' AND s.due_at IS NOT NULL AND s.due_at > @since AND s.due_at <= @now
             AND s.due_at > (SELECT COALESCE(rendered_at, 0) FROM cases x WHERE x.id = s.case_id)
           UNION
           SELECT s.case_id FROM steps s INDEXED BY steps_snooze_end
             WHERE s.status = 'snoozed' AND s.snoozed_until > @since AND s.snoozed_until <= @now
             AND s.snoozed_until > (SELECT COALESCE(rendered_at, 0) FROM cases x WHERE x.id = s.case_id))
         AND c.status = 'open' AND c.message_ts IS NOT NULL
         AND COALESCE(c.delivery_problem, '') != 'channel_shared'
         ORDER BY c.id LIMIT @limit`,
      ),
      // Parents drawn from an older version than the stored one (a redraw failed, or another
      // process held the case): through their partial index.
      behindParents: db.prepare(
        `SELECT * FROM cases INDEXED BY cases_parent_behind
           WHERE message_ts IS NOT NULL AND rendered_version < version
           AND COALESCE(delivery_problem, '') != 'channel_shared'
           ORDER BY id LIMIT ?`,
      ),

      setProblem: db.prepare('UPDATE cases SET delivery_problem = ? WHERE id = ? AND team_id = ?'),
      remember: db.prepare(
        'INSERT OR IGNORE INTO handled_requests (team_id, key, at) VALUES (?, ?, ?)',
      ),
      // The same words again: refused while the last time is within the window, else remembered anew.
      rememberSame: db.prepare(
        `INSERT INTO handled_requests (team_id, key, at) VALUES (@team, @key, @now)
         ON CONFLICT (team_id, key) DO UPDATE SET at = excluded.at WHERE handled_requests.at <= @since`,
      ),
      forgetOld: db.prepare('DELETE FROM handled_requests WHERE at < ?'),
    };
  }

  get(teamId: string, id: number): RecoveryCase | null {
    const row = this.#s.getCase.get(id, teamId) as CaseRow | undefined;
    if (!row) return null;
    return toCase(row, this.#s.getSteps.all(id, teamId) as StepRow[]);
  }

  require(teamId: string, id: number): RecoveryCase {
    const c = this.get(teamId, id);
    if (!c) throw new DomainError('case_not_found', String(id));
    return c;
  }

  /**
   * Stores a new case with its steps and first event. With a `requestKey` (the slash command's
   * trigger_id, a modal's view id) a repeated delivery of the same request stores nothing and
   * throws `duplicate_request`.
   */
  insert(
    changed: Changed,
    now: Date,
    requestKey?: string,
    same?: { readonly key: string; readonly withinMs: number },
  ): RecoveryCase {
    return this.#db
      .transaction((): RecoveryCase => {
        const c = changed.case;
        if (requestKey && this.#s.remember.run(c.teamId, requestKey, now.getTime()).changes === 0) {
          throw new DomainError('duplicate_request', requestKey);
        }
        if (
          same &&
          this.#s.rememberSame.run({
            team: c.teamId,
            key: same.key,
            now: now.getTime(),
            since: now.getTime() - same.withinMs,
          }).changes === 0
        )
          throw new DomainError('same_case');
        const id = Number(this.#s.insertCase.run(this.#caseParams(c)).lastInsertRowid);
        const stored = { ...c, id };
        for (const s of stored.steps) this.#s.insertStep.run(this.#stepParams(stored, s));
        this.#appendEvent(stored, changed.event, now);
        return stored;
      })
      .immediate();
  }

  /** Read, decide (pure), write: one immediate transaction per state change, with its event. */
  update(
    teamId: string,
    id: number,
    now: Date,
    decide: (c: RecoveryCase) => Changed,
    requestKey?: string,
  ): Changed {
    return this.#db
      .transaction((): Changed => {
        const before = this.require(teamId, id);
        if (requestKey && this.#s.remember.run(teamId, requestKey, now.getTime()).changes === 0)
          throw new DomainError('duplicate_request', requestKey);
        const changed = decide(before);
        this.save(changed.case);
        this.#appendEvent(changed.case, changed.event, now);
        return changed;
      })
      .immediate();
  }

  /** Writes a case and its steps; pending reminders of steps no longer open are cancelled. */
  save(c: RecoveryCase): void {
    this.#s.updateCase.run(this.#caseParams(c));
    for (const s of c.steps) {
      this.#s.updateStep.run(this.#stepParams(c, s));
      if (!isOpen(s) || s.status === 'snoozed')
        this.#s.cancelStepReminders.run(c.id, c.teamId, s.key);
    }
    if (c.status !== 'open') this.#s.cancelCaseReminders.run(c.id, c.teamId);
  }

  /** Without an fsync (lightly): lost to a power cut, the post is found again by its metadata. */
  setMessageTs(teamId: string, id: number, ts: string): void {
    lightly(this.#db, () => this.#s.setMessage.run(ts, id, teamId));
  }

  /** The first reply's ts, if one is on record. */
  firstReplyOf(teamId: string, id: number): string[] {
    const r = this.#s.firstReplyOf.get(id, teamId) as { ts: string | null } | undefined;
    // 'before-migration-10' marks a reply known to exist, ts unknown.
    return r?.ts && /^\d+\.\d+$/.test(r.ts) ? [r.ts] : [];
  }

  /** The first thread reply is in Slack (its ts). */
  setFirstReply(teamId: string, id: number, ts: string): void {
    this.#s.setFirstReply.run(ts, id, teamId);
  }

  /** The parent was drawn from the stored state at `at`. */
  setRenderedAt(teamId: string, id: number, at: Date, version: number): void {
    this.#s.setRendered.run(at.getTime(), version, id, teamId);
  }

  /** Posted cases whose first reply is not known to be in Slack (opened before `before`). */
  listMissingFirstReply(before: Date, limit: number): RecoveryCase[] {
    const rows = this.#s.missingFirstReply.all(before.getTime(), limit) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, r.team_id) as StepRow[]));
  }

  /** Posted cases whose parent shows a step as not yet due (or snoozed) that time has moved past. */
  listStaleParents(now: Date, limit: number): RecoveryCase[] {
    // A crossing more than two days old was redrawn by the sweep then (or by the start-up redraw).
    const since = now.getTime() - 2 * 24 * 60 * 60_000;
    const rows = this.#s.staleParents.all({ now: now.getTime(), since, limit }) as CaseRow[];
    // Drawn from an older version: the redraw after the change never landed.
    const behind = this.#s.behindParents.all(limit) as CaseRow[];
    const seen = new Set(rows.map((r) => r.id));
    for (const r of behind) if (!seen.has(r.id) && rows.length < limit) rows.push(r);
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, r.team_id) as StepRow[]));
  }

  setDeliveryProblem(teamId: string, id: number, problem: string | null): void {
    this.#s.setProblem.run(problem, id, teamId);
  }

  /** Open cases of a channel plus the caller's own, newest first. */
  listOpen(teamId: string, channelId: string, userId: string, limit = 30): RecoveryCase[] {
    const rows = this.#s.listOpen.all({
      team_id: teamId,
      channel_id: channelId,
      user_id: userId,
      limit,
    }) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, teamId) as StepRow[]));
  }

  /** Posted cases with a change at or after `since` (their parent may not show it yet), oldest first. */

  /** A channel's open cases whose post Slack refused (and that are not being posted right now). */
  listWaitingIn(teamId: string, channelId: string): RecoveryCase[] {
    const rows = this.#s.waitingIn.all(teamId, channelId) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, teamId) as StepRow[]));
  }

  /** Open cases never shown in Slack (their parent post failed or never happened), oldest first. */
  listUnposted(limit: number): RecoveryCase[] {
    const rows = this.#s.listUnposted.all(limit) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, r.team_id) as StepRow[]));
  }

  listOpenInTeam(teamId: string, limit: number): RecoveryCase[] {
    const rows = this.#s.listOpenInTeam.all(teamId, limit) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, teamId) as StepRow[]));
  }

  listOwned(teamId: string, userId: string, limit = 30): RecoveryCase[] {
    const rows = this.#s.listOwned.all(teamId, userId, limit) as CaseRow[];
    return rows.map((r) => toCase(r, this.#s.getSteps.all(r.id, teamId) as StepRow[]));
  }

  events(teamId: string, caseId: number): EventRecord[] {
    const rows = this.#s.events.all(teamId, caseId) as {
      id: number;
      at: number;
      actor: string;
      type: string;
      step_key: StepKey | null;
      data: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at),
      actor: r.actor,
      type: r.type,
      ...(r.step_key ? { stepKey: r.step_key } : {}),
      ...(r.data ? { data: readJson<Record<string, unknown>>(r.data) } : {}),
    }));
  }

  /** Marks a request key as handled; false if it was already. */
  remember(teamId: string, key: string, now: Date): boolean {
    return this.#s.remember.run(teamId, key, now.getTime()).changes === 1;
  }

  /** Slack only retries or replays within minutes; a day of keys is plenty. */
  forgetRequestsBefore(t: Date): void {
    this.#s.forgetOld.run(t.getTime());
  }

  #appendEvent(c: RecoveryCase, e: CaseEvent, now: Date): void {
    this.#s.insertEvent.run({
      team_id: c.teamId,
      case_id: c.id,
      at: now.getTime(),
      actor: e.actor,
      type: e.type,
      step_key: e.stepKey ?? null,
      data: e.data ? JSON.stringify(e.data) : null,
    });
  }

  #caseParams(c: RecoveryCase) {
    return {
      id: c.id,
      team_id: c.teamId,
      channel_id: c.channelId,
      message_ts: c.messageTs,
      client: c.client,
      summary: c.summary,
      severity: c.severity,
      owner_id: c.ownerId,
      creator_id: c.creatorId,
      status: c.status,
      answer: c.answer,
      answered_at: ms(c.answeredAt),
      outcome_reason: c.outcomeReason,
      meeting_at: ms(c.meetingAt),
      fix_meeting_at: ms(c.fixMeetingAt),
      outline: c.outline ? JSON.stringify(c.outline) : null,
      lang: c.lang,
      tz: c.tz,
      created_at: c.createdAt.getTime(),
      closed_at: ms(c.closedAt),
      delivery_problem: c.deliveryProblem,
      client_channel_id: c.clientChannelId,
      source_link: c.sourceLink,
      changes: c.changes.length
        ? JSON.stringify(
            c.changes.map((x): StoredChange => ({ ...x, by: ms(x.by), doneAt: ms(x.doneAt) })),
          )
        : null,
      version: c.version,
      last_action_at: c.calm.lastActionAt.getTime(),
      posted_on: c.calm.postedOn,
      posts_that_day: c.calm.postsThatDay,
      last_post_at: ms(c.calm.lastPostAt),
      quiet_until: ms(c.calm.quietUntil),
      stalled_at: ms(c.calm.stalledAt),
      stalls: c.calm.stalls,
      digest_on: c.calm.digestOn,
    };
  }

  #stepParams(c: RecoveryCase, s: Step) {
    return {
      case_id: c.id,
      team_id: c.teamId,
      key: s.key,
      position: s.position,
      optional: s.optional ? 1 : 0,
      status: s.status,
      started_at: ms(s.startedAt),
      due_at: ms(s.dueAt),
      done_at: ms(s.doneAt),
      done_by: s.doneBy,
      note: s.note,
      snoozed_until: ms(s.snoozedUntil),
      next_remind_at: ms(s.nextRemindAt),
      remind_count: s.remindCount,
      escalated_at: ms(s.escalatedAt),
      version: s.version,
      next_check_at: ms(nextCheckAt(c, s, this.#pb)),
      cadence: writeCadence(s.cadence),
    };
  }
}
