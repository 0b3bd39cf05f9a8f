import { DomainError } from '../domain/errors.js';
import type { Playbook, Severity, StepKey } from '../domain/playbook.js';
import type {
  CadenceLog,
  CaseEvent,
  CaseStatus,
  Changed,
  ClientAnswer,
  CorrectiveChange,
  Meetings,
  Outline,
  RecoveryCase,
  Step,
  StepStatus,
  UndoPoint,
} from '../domain/recoveryCase.js';
import { isOpen } from '../domain/recoveryCase.js';
import { nextCheckAt } from '../domain/reminders.js';
import { wellFormed } from '../domain/text.js';
import type { CaseStore } from '../services/ports.js';
import { clientParams, UPSERT_CLIENT } from './clientRepo.js';
import { type Conn, type Dialect, greatest, type Param } from './sql.js';
import { UNINSTALLED } from './workspaceRepo.js';

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
  client_id?: number | null;
  meetings?: string | null;
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
  undo?: string | null;
}

interface StepRow {
  case_id: number;
  team_id: string;
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
  next_check_at: number | null;
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

/** A step's instants: the undo column stores them as epoch milliseconds. */
const STEP_INSTANTS = [
  'startedAt',
  'dueAt',
  'doneAt',
  'snoozedUntil',
  'nextRemindAt',
  'escalatedAt',
] as const satisfies readonly (keyof Step)[];
type StepInstant = (typeof STEP_INSTANTS)[number];

/** A step's instants, each through `f` (to milliseconds to store them, back to dates to read). */
const stepInstants = <A, B>(s: Record<StepInstant, A>, f: (v: A) => B): Record<StepInstant, B> =>
  Object.fromEntries(STEP_INSTANTS.map((k) => [k, f(s[k])])) as Record<StepInstant, B>;

/** A step as the undo column stores it: instants as epoch milliseconds. */
type StoredStep = Omit<Step, StepInstant | 'cadence'> &
  Record<StepInstant, number | null> & { cadence: string | null };

interface StoredUndo {
  type: string;
  stepKey: StepKey | null;
  actor: string;
  at: number;
  version: number;
  steps: StoredStep[];
  answer: ClientAnswer | null;
  answeredAt: number | null;
  changes: StoredChange[];
  undoneBy: string | null;
  undoneAt: number | null;
}

/** The undo column (the last click and what it changed); null when there is nothing to undo. */
export function writeUndo(u: UndoPoint | null | undefined): string | null {
  if (!u) return null;
  const out: StoredUndo = {
    type: u.type,
    stepKey: u.stepKey,
    actor: u.actor,
    at: u.at.getTime(),
    version: u.version,
    steps: u.before.steps.map((s) => {
      const { cadence, ...rest } = s;
      return { ...rest, ...stepInstants(s, ms), cadence: writeCadence(cadence) };
    }),
    answer: u.before.answer,
    answeredAt: ms(u.before.answeredAt),
    changes: u.before.changes.map((x) => ({ ...x, by: ms(x.by), doneAt: ms(x.doneAt) })),
    undoneBy: u.undoneBy,
    undoneAt: ms(u.undoneAt),
  };
  return JSON.stringify(out);
}

export function readUndo(json: string | null | undefined): UndoPoint | null {
  if (!json) return null;
  const v = readJson<StoredUndo>(json);
  return {
    type: v.type,
    stepKey: v.stepKey,
    actor: v.actor,
    at: new Date(v.at),
    version: v.version,
    before: {
      steps: v.steps.map((s) => {
        const { cadence, ...rest } = s;
        return {
          ...rest,
          ...stepInstants(s, date),
          ...(cadence ? { cadence: readCadence(cadence) } : {}),
        };
      }),
      answer: v.answer,
      answeredAt: date(v.answeredAt),
      changes: v.changes.map((x) => ({ ...x, by: date(x.by), doneAt: date(x.doneAt) })),
    },
    undoneBy: v.undoneBy,
    undoneAt: date(v.undoneAt),
  };
}

function toCase(r: CaseRow, steps: readonly StepRow[]): RecoveryCase {
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
    ...(r.client_id ? { clientId: r.client_id } : {}),
    ...(r.meetings ? { meetings: readJson<Meetings>(r.meetings) } : {}),
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
    ...(r.undo ? { undo: readUndo(r.undo) } : {}),
  };
}

/** The columns a new case is stored with. */
/**
 * The case's columns that change as it goes on: a new case is stored with them, and a change writes
 * them (besides `undo`).
 */
const CASE_STATE = [
  'channel_id',
  'message_ts',
  'severity',
  'owner_id',
  'status',
  'answer',
  'answered_at',
  'outcome_reason',
  'meeting_at',
  'outline',
  'lang',
  'tz',
  'closed_at',
  'delivery_problem',
  'version',
  'client_channel_id',
  'changes',
  'fix_meeting_at',
  'last_action_at',
  'posted_on',
  'posts_that_day',
  'last_post_at',
  'quiet_until',
  'stalled_at',
  'stalls',
  'digest_on',
  'meetings',
] as const;

/** The columns a new case is stored with: its opening (client, summary, creator...) and its state. */
const CASE_INSERT = [
  'team_id',
  'client',
  'summary',
  'creator_id',
  'created_at',
  'source_link',
  'client_id',
  ...CASE_STATE,
] as const;

/** The columns a case's change writes (its client, summary, creator and opening stay). */
const CASE_UPDATE = ['undo', ...CASE_STATE] as const;

/** The columns a step's change writes (its case, key, position and optional stay). */
const STEP_UPDATE = [
  'status',
  'started_at',
  'due_at',
  'done_at',
  'done_by',
  'note',
  'snoozed_until',
  'next_remind_at',
  'remind_count',
  'escalated_at',
  'version',
  'next_check_at',
  'cadence',
] as const;

/**
 * The steps' columns: those a new step is stored with, in the order a case's read lists each
 * step's values (GET_CASE).
 */
const STEP_COLUMNS = [
  'case_id',
  'team_id',
  'key',
  'position',
  'optional',
  ...STEP_UPDATE,
] as const satisfies readonly (keyof StepRow)[];
const STEP_INSERT = STEP_COLUMNS;

type CaseParams = Record<(typeof CASE_INSERT)[number] | (typeof CASE_UPDATE)[number], Param> & {
  id: number;
};
type StepParams = Record<(typeof STEP_INSERT)[number], Param>;

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const values = <K extends string>(cols: readonly K[], p: Record<K, Param>): Param[] =>
  cols.map((k) => p[k]);

const INSERT_CASE = `INSERT INTO cases (${CASE_INSERT.join(', ')}) VALUES (${marks(CASE_INSERT.length)}) RETURNING id`;
const UPDATE_CASE = `UPDATE cases SET ${CASE_UPDATE.map((k) => `${k} = ?`).join(', ')} WHERE id = ? AND team_id = ?`;

/** A text per number of rows, built once. */
function byCount(build: (n: number) => string): (n: number) => string {
  const texts = new Map<number, string>();
  return (n) => {
    let t = texts.get(n);
    if (t === undefined) {
      t = build(n);
      texts.set(n, t);
    }
    return t;
  };
}
const stepRows = (n: number) =>
  Array.from({ length: n }, () => `(${marks(STEP_INSERT.length)})`).join(', ');
/** A new case's steps, in one statement. */
const INSERT_STEPS = byCount(
  (n) => `INSERT INTO steps (${STEP_INSERT.join(', ')}) VALUES ${stepRows(n)}`,
);
/**
 * Steps written in one statement: each row replaces the stored step's changing columns (its case,
 * key, position and optional stay). A step of another team is left as it is.
 */
const WRITE_STEPS = byCount(
  (n) => `INSERT INTO steps (${STEP_INSERT.join(', ')}) VALUES ${stepRows(n)}
  ON CONFLICT (case_id, key) DO UPDATE SET ${STEP_UPDATE.map((k) => `${k} = excluded.${k}`).join(', ')}
  WHERE steps.team_id = excluded.team_id`,
);
const INSERT_EVENT =
  'INSERT INTO events (team_id, case_id, at, actor, type, step_key, data) VALUES (?, ?, ?, ?, ?, ?, ?)';
const EVENTS = 'SELECT * FROM events WHERE team_id = ? AND case_id = ? ORDER BY id';
const LIST_OPEN = `SELECT * FROM cases WHERE team_id = ? AND status = 'open' AND (channel_id = ? OR owner_id = ?)
  ORDER BY created_at DESC LIMIT ?`;
// Meant for the partial index cases_waiting (the few cases Slack refused), with no index hint (only
// SQLite has one): SQLite's planner picks it over cases_by_channel once it covers status too, i.e.
// (team_id, channel_id, status, id); on (team_id, channel_id, id) it walks cases_by_channel instead.
const WAITING_IN = `SELECT * FROM cases WHERE team_id = ? AND channel_id = ?
  AND status = 'open' AND message_ts IS NULL AND delivery_problem IS NOT NULL
  ORDER BY id LIMIT 50`;
// A workspace that uninstalled Amends has no token to post with: its cases wait (kept for the
// retention period) instead of failing every minute; a new install resumes the workspace.
const INSTALLED = `team_id NOT IN (SELECT team_id FROM workspaces WHERE paused_reason = '${UNINSTALLED}')`;
const LIST_UNPOSTED = `SELECT * FROM cases WHERE message_ts IS NULL AND status = 'open' AND ${INSTALLED}
  ORDER BY id LIMIT ?`;
const LIST_OPEN_IN_TEAM = `SELECT * FROM cases WHERE team_id = ? AND status = 'open' ORDER BY created_at DESC LIMIT ?`;
const LIST_OWNED = `SELECT * FROM cases WHERE team_id = ? AND status = 'open' AND owner_id = ? ORDER BY created_at DESC LIMIT ?`;
// The morning digest sits on a case's own_up row but lists several cases: a step or a case
// closing never cancels it (it is drawn from the cases as they stand when it is sent).
const CANCEL_CASE_REMINDERS = `UPDATE reminders SET status = 'cancelled'
  WHERE case_id = ? AND team_id = ? AND status = 'pending' AND kind != 'digest'`;
const SET_MESSAGE = 'UPDATE cases SET message_ts = ? WHERE id = ? AND team_id = ?';
const SET_FIRST_REPLY = 'UPDATE cases SET first_reply_ts = ? WHERE id = ? AND team_id = ?';
const FIRST_REPLY_OF = 'SELECT first_reply_ts AS ts FROM cases WHERE id = ? AND team_id = ?';
const MISSING_FIRST_REPLY = `SELECT * FROM cases WHERE message_ts IS NOT NULL AND first_reply_ts IS NULL AND status = 'open'
  AND created_at < ? AND ${INSTALLED} ORDER BY id LIMIT ?`;
// Steps that came due (or whose snooze ended) in the window, through their indexes (the partial
// steps_pending_due and steps_snooze_end: the planner picks them), then their cases drawn before
// that moment. Parameters: since, now, since, now, limit.
const STALE_PARENTS = `SELECT c.* FROM cases c WHERE c.id IN (
    SELECT s.case_id FROM steps s
      WHERE s.status = 'pending' AND s.due_at IS NOT NULL AND s.due_at > ? AND s.due_at <= ?
      AND s.due_at > (SELECT COALESCE(rendered_at, 0) FROM cases x WHERE x.id = s.case_id)
    UNION
    SELECT s.case_id FROM steps s
      WHERE s.status = 'snoozed' AND s.snoozed_until > ? AND s.snoozed_until <= ?
      AND s.snoozed_until > (SELECT COALESCE(rendered_at, 0) FROM cases x WHERE x.id = s.case_id))
  AND c.status = 'open' AND c.message_ts IS NOT NULL
  AND COALESCE(c.delivery_problem, '') != 'channel_shared' AND c.${INSTALLED}
  ORDER BY c.id LIMIT ?`;
// Parents drawn from an older version than the stored one (a redraw failed, or another process
// held the case): through their partial index cases_parent_behind.
const BEHIND_PARENTS = `SELECT * FROM cases
  WHERE message_ts IS NOT NULL AND rendered_version < version
  AND COALESCE(delivery_problem, '') != 'channel_shared' AND ${INSTALLED}
  ORDER BY id LIMIT ?`;
const SET_PROBLEM = 'UPDATE cases SET delivery_problem = ? WHERE id = ? AND team_id = ?';
const REMEMBER = `INSERT INTO handled_requests (team_id, key, at) VALUES (?, ?, ?)
  ON CONFLICT (team_id, key) DO NOTHING`;
// A request key (remembered once) and the same words (again only past the window) in one statement:
// the keys it returns are those it stored. Parameters: team, request key, now, team, same key, now,
// same key, since.
const REMEMBER_BOTH = `INSERT INTO handled_requests (team_id, key, at) VALUES (?, ?, ?), (?, ?, ?)
  ON CONFLICT (team_id, key) DO UPDATE SET at = excluded.at
  WHERE handled_requests.key = ? AND handled_requests.at <= ?
  RETURNING key`;
// The same words again: refused while the last time is within the window, else remembered anew.
// Parameters: team, key, now, since.
const REMEMBER_SAME = `INSERT INTO handled_requests (team_id, key, at) VALUES (?, ?, ?)
  ON CONFLICT (team_id, key) DO UPDATE SET at = excluded.at WHERE handled_requests.at <= ?`;
const FORGET_OLD = 'DELETE FROM handled_requests WHERE at < ?';

/**
 * How insertPgText refuses a key already taken: it casts this word and the reason to an integer,
 * which fails the statement (PostgreSQL has no way to raise an error of one's own in plain SQL).
 * The cast reads the CTEs' results, so it runs only then, never when the statement is planned.
 */
const REFUSED = 'amends-refused:';

/**
 * PostgreSQL: a new case in one statement, for CaseRepo.insert. Data-modifying CTEs, each seeing
 * the others only through what they return: the client's record (`cl`, when there is one) and the
 * request keys (`rq`, as REMEMBER_BOTH: the keys it returns are those it stored), then the case
 * (`c`, linked to `cl`), its steps and its event, which take the case's id from `c`. The statement
 * returns the case's id and its client's; when a key was not stored it fails instead (REFUSED), so
 * nothing of it is kept. Parameters, in order: the client's (clientParams), each key's team, key
 * and time, the same key and its window's start, the case's columns (CASE_INSERT but client_id),
 * each step's columns (STEP_INSERT but case_id), the event's (team, at, actor, type, step, data),
 * then the request key and the same key again.
 */
const insertPgTexts = new Map<string, string>();
function insertPgText(client: boolean, keys: number, steps: number): string {
  const id = `${client}:${keys}:${steps}`;
  let sql = insertPgTexts.get(id);
  if (sql !== undefined) return sql;
  const ctes: string[] = [];
  if (client) ctes.push(`cl AS (${UPSERT_CLIENT} RETURNING id)`);
  if (keys > 0)
    ctes.push(`rq AS (INSERT INTO handled_requests (team_id, key, at) VALUES ${Array.from(
      { length: keys },
      () => '(?, ?, ?)',
    ).join(', ')}
  ON CONFLICT (team_id, key) DO UPDATE SET at = excluded.at
  WHERE handled_requests.key = ? AND handled_requests.at <= ? RETURNING key)`);
  const caseValues = CASE_INSERT.map((k) =>
    client && k === 'client_id' ? '(SELECT id FROM cl)' : '?',
  );
  ctes.push(
    `c AS (INSERT INTO cases (${CASE_INSERT.join(', ')}) VALUES (${caseValues.join(', ')}) RETURNING id)`,
  );
  if (steps > 0) {
    const row = `((SELECT id FROM c), ${marks(STEP_INSERT.length - 1)})`;
    ctes.push(
      `st AS (INSERT INTO steps (${STEP_INSERT.join(', ')}) VALUES ${Array.from({ length: steps }, () => row).join(', ')})`,
    );
  }
  ctes.push(
    'ev AS (INSERT INTO events (team_id, case_id, at, actor, type, step_key, data) VALUES (?, (SELECT id FROM c), ?, ?, ?, ?, ?))',
  );
  const refused =
    keys > 0
      ? `CAST('${REFUSED} ' || CASE
      WHEN ?::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rq WHERE rq.key = ?) THEN 'duplicate_request'
      WHEN ?::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rq WHERE rq.key = ?) THEN 'same_case' END AS integer)`
      : 'NULL';
  sql = `WITH ${ctes.join(',\n')}
SELECT (SELECT id FROM c) AS id, ${client ? '(SELECT id FROM cl)' : 'NULL'} AS client_id, ${refused} AS refused`;
  insertPgTexts.set(id, sql);
  return sql;
}

/** The reason an insertPgText statement was refused, or null for any other failure. */
function refusal(e: unknown): 'duplicate_request' | 'same_case' | null {
  const err = e as { code?: unknown; message?: unknown };
  if (err?.code !== '22P02' || typeof err.message !== 'string') return null;
  const m = /amends-refused: (duplicate_request|same_case)/.exec(err.message);
  return m ? (m[1] as 'duplicate_request' | 'same_case') : null;
}

/** A text that differs by engine (a row lock, GREATEST), built once per engine. */
function perEngine(build: (c: Conn) => string): (c: Conn) => string {
  const texts = new Map<Dialect, string>();
  return (c) => {
    let t = texts.get(c.dialect);
    if (t === undefined) {
      t = build(c);
      texts.set(c.dialect, t);
    }
    return t;
  };
}

/**
 * A case and its steps in one statement: the case's row, and its steps as one JSON array (by
 * position) of arrays of their values (STEP_COLUMNS). One row, and no column repeated per step:
 * cheaper to read than the two statements it replaces (the steps' rows were the costly part).
 */
const GET_CASE = perEngine((c) => {
  const [agg, row] =
    c.dialect === 'postgres'
      ? ['json_agg', 'json_build_array']
      : ['json_group_array', 'json_array'];
  return `SELECT c.*, (SELECT ${agg}(${row}(${STEP_COLUMNS.map((k) => `s.${k}`).join(', ')}) ORDER BY s.position)
    FROM steps s WHERE s.case_id = c.id AND s.team_id = c.team_id) AS steps_json
  FROM cases c WHERE c.id = ? AND c.team_id = ?`;
});
/** PostgreSQL: the case row's lock, taken before the case is read (see #load). */
const LOCK_CASE = 'SELECT id FROM cases WHERE id = ? AND team_id = ? FOR UPDATE';
const SET_RENDERED = perEngine(
  (c) => `UPDATE cases SET rendered_at = ${greatest(c, 'COALESCE(rendered_at, 0)', '?')},
  rendered_version = ${greatest(c, 'rendered_version', '?')} WHERE id = ? AND team_id = ?`,
);

/**
 * The steps of several cases, by case and position, in one statement: the ids are padded to a
 * power of two (repeating the last), so a handful of texts serve every page.
 */
const STEPS_PER_READ = 64;
const stepsOfTexts = new Map<number, string>();
function stepsOf(ids: readonly number[]): { sql: string; params: Param[] } {
  let size = 1;
  while (size < ids.length) size *= 2;
  let sql = stepsOfTexts.get(size);
  if (sql === undefined) {
    sql = `SELECT * FROM steps WHERE case_id IN (${marks(size)}) ORDER BY case_id, position`;
    stepsOfTexts.set(size, sql);
  }
  const params: Param[] = [...ids];
  while (params.length < size) params.push(ids[ids.length - 1] as number);
  return { sql, params };
}

/** Cancels the pending reminders (but the digest) of a case's steps no longer open; by key count. */
const cancelStepsTexts = new Map<number, string>();
function cancelSteps(n: number): string {
  let sql = cancelStepsTexts.get(n);
  if (sql === undefined) {
    sql = `UPDATE reminders SET status = 'cancelled' WHERE case_id = ? AND team_id = ? AND status = 'pending'
      AND kind != 'digest' AND step_key IN (${marks(n)})`;
    cancelStepsTexts.set(n, sql);
  }
  return sql;
}

/**
 * The steps of a row of GET_CASE: JSON text on SQLite, already parsed on PostgreSQL (a json
 * column); null for a case without steps on PostgreSQL.
 */
function stepsOfJson(json: unknown): StepRow[] {
  const rows = (typeof json === 'string' ? JSON.parse(json) : (json ?? [])) as unknown[][];
  return rows.map((values) => {
    const s: Record<string, unknown> = {};
    for (let i = 0; i < STEP_COLUMNS.length; i++) s[STEP_COLUMNS[i] as string] = values[i] ?? null;
    return s as unknown as StepRow;
  });
}

/** A case as read: its row and its steps' rows. */
interface Loaded {
  readonly row: CaseRow;
  readonly steps: readonly StepRow[];
}

/** True when the step row as loaded already holds what `p` would write. */
function unchanged(row: StepRow, p: StepParams): boolean {
  const r = row as unknown as Record<string, unknown>;
  return STEP_UPDATE.every((k) => r[k] === p[k]);
}

/**
 * The recovery-case aggregate (case + steps + audit events). Every statement filters by team_id.
 * It runs on a `Conn`: the database (each call on its own; a call that writes several rows is a
 * transaction of its own) or a unit of work's transaction (every call part of it).
 */
/** What `insert` takes: the port's parameters (see CaseStore.insert), as `update` does. */
type InsertArgs = Parameters<CaseStore['insert']>;

export class CaseRepo implements CaseStore {
  readonly #pb: Playbook;

  constructor(
    readonly conn: Conn,
    playbook: Playbook,
  ) {
    this.#pb = playbook;
  }

  /**
   * The cases this transaction read, as read (a repository inside a unit of work only): `save`
   * writes only what differs from them. Forgotten once saved (a savepoint may roll the save back).
   */
  readonly #read = new Map<number, Loaded>();

  /**
   * One statement (the case with its steps). Inside a transaction on PostgreSQL the case row is
   * locked first (`FOR UPDATE`, one more statement): a unit of work that reads a case, decides and
   * saves it holds the case until
   * it commits, as SQLite's write lock holds the whole database, so two replicas' changes to one
   * case never interleave (nor lose one another).
   */
  async get(teamId: string, id: number): Promise<RecoveryCase | null> {
    const loaded = await this.#load(this.conn, teamId, id);
    if (!loaded) return null;
    if (this.conn.inTransaction) this.#read.set(id, loaded);
    return toCase(loaded.row, loaded.steps);
  }

  async require(teamId: string, id: number): Promise<RecoveryCase> {
    const c = await this.get(teamId, id);
    if (!c) throw new DomainError('case_not_found', String(id));
    return c;
  }

  /** The case row (locked inside a transaction, where the engine has row locks) and its steps. */
  async #load(c: Conn, teamId: string, id: number): Promise<Loaded | null> {
    // PostgreSQL: the lock is taken by a statement of its own, and the case read by the next one.
    // A statement that waited for the lock sees the locked row as committed, but every other table
    // (the steps) as it was when the statement began: one statement would decide on stale steps
    // (two clicks of one button would both complete it). The next statement's snapshot is fresh.
    if (c.inTransaction && c.dialect === 'postgres') await c.get(LOCK_CASE, [id, teamId]);
    const row = await c.get<CaseRow & { steps_json: unknown }>(GET_CASE(c), [id, teamId]);
    return row ? { row, steps: stepsOfJson(row.steps_json) } : null;
  }

  /**
   * Stores a new case with its steps and first event (and its client's record, linked to it). With
   * a `requestKey` (the slash command's trigger_id, a modal's view id) a repeated delivery of the
   * same request stores nothing and throws `duplicate_request`. On PostgreSQL all of it is one
   * statement (see #insertPg): the ack of a `/incident` waits for one round trip.
   */
  insert(...args: InsertArgs): Promise<RecoveryCase> {
    const [changed, now, requestKey, same, client] = args;
    if (this.conn.dialect === 'postgres') {
      const write = (c: Conn) => this.#insertPg(c, ...args);
      // Refused, the statement fails: inside a transaction only its savepoint is rolled back.
      return this.conn.inTransaction && (requestKey || same)
        ? this.conn.savepoint(write)
        : write(this.conn);
    }
    return this.conn.transaction(async (tx): Promise<RecoveryCase> => {
      let c = changed.case;
      const at = now.getTime();
      if (client) {
        const saved = await tx.get<{ id: number }>(
          `${UPSERT_CLIENT} RETURNING id`,
          clientParams(c.teamId, client.key, client.name, client.details, now),
        );
        if (!saved) throw new Error('client not saved');
        c = { ...c, clientId: Number(saved.id) };
      }
      if (requestKey && same && requestKey !== same.key) {
        const stored = await tx.all<{ key: string }>(REMEMBER_BOTH, [
          c.teamId,
          requestKey,
          at,
          c.teamId,
          same.key,
          at,
          same.key,
          at - same.withinMs,
        ]);
        if (!stored.some((r) => r.key === requestKey))
          throw new DomainError('duplicate_request', requestKey);
        if (!stored.some((r) => r.key === same.key)) throw new DomainError('same_case');
      } else {
        if (requestKey && (await tx.run(REMEMBER, [c.teamId, requestKey, at])) === 0)
          throw new DomainError('duplicate_request', requestKey);
        if (
          same &&
          (await tx.run(REMEMBER_SAME, [c.teamId, same.key, at, at - same.withinMs])) === 0
        )
          throw new DomainError('same_case');
      }
      const r = await tx.get<{ id: number }>(INSERT_CASE, values(CASE_INSERT, this.#caseParams(c)));
      if (!r) throw new Error('case not stored');
      const stored = { ...c, id: Number(r.id) };
      if (stored.steps.length > 0)
        await tx.run(
          INSERT_STEPS(stored.steps.length),
          stored.steps.flatMap((s) => values(STEP_INSERT, this.#stepParams(stored, s))),
        );
      await this.#appendEvent(tx, stored, changed.event, now);
      return stored;
    });
  }

  /**
   * `insert` on PostgreSQL, in one statement (insertPgText): the client's record, the request keys,
   * the case, its steps and its event. A statement is atomic, so no BEGIN and COMMIT are sent. A
   * key already taken makes the statement fail (see REFUSED), which stores none of it.
   */
  async #insertPg(
    conn: Conn,
    ...[changed, now, requestKey, same, client]: InsertArgs
  ): Promise<RecoveryCase> {
    const c = changed.case;
    const at = now.getTime();
    const keys = [requestKey, same?.key].filter(
      (k, i, all): k is string => k !== undefined && all.indexOf(k) === i,
    );
    const params: Param[] = [];
    if (client)
      params.push(...clientParams(c.teamId, client.key, client.name, client.details, now));
    if (keys.length > 0) {
      for (const k of keys) params.push(c.teamId, k, at);
      params.push(same?.key ?? null, same ? at - same.withinMs : null);
    }
    const cp = this.#caseParams(c);
    params.push(...CASE_INSERT.filter((k) => !(client && k === 'client_id')).map((k) => cp[k]));
    // The steps' case_id is the new case's: not a parameter.
    for (const s of c.steps) params.push(...values(STEP_INSERT, this.#stepParams(c, s)).slice(1));
    const e = changed.event;
    params.push(
      c.teamId,
      at,
      e.actor,
      e.type,
      e.stepKey ?? null,
      e.data ? JSON.stringify(e.data) : null,
    );
    if (keys.length > 0) {
      const r = requestKey ?? null;
      const k = same?.key ?? null;
      params.push(r, r, k, k);
    }
    let r: { id: number; client_id: number | null } | undefined;
    try {
      r = await conn.get(insertPgText(!!client, keys.length, c.steps.length), params);
    } catch (err) {
      const refused = refusal(err);
      if (refused === 'duplicate_request') throw new DomainError(refused, requestKey);
      if (refused === 'same_case') throw new DomainError(refused);
      throw err;
    }
    if (!r) throw new Error('case not stored');
    return {
      ...c,
      id: Number(r.id),
      ...(client ? { clientId: Number(r.client_id) } : {}),
    };
  }

  /**
   * Read, decide (pure), write: one transaction per state change (SQLite takes the write lock
   * first; PostgreSQL locks the case row before reading it), with its event. Only the steps the decision
   * changed are written.
   */
  update(
    ...[teamId, id, now, decide, requestKey]: Parameters<CaseStore['update']>
  ): Promise<Changed> {
    return this.conn.transaction(async (tx): Promise<Changed> => {
      const loaded = await this.#load(tx, teamId, id);
      if (!loaded) throw new DomainError('case_not_found', String(id));
      const before = toCase(loaded.row, loaded.steps);
      if (requestKey && (await tx.run(REMEMBER, [teamId, requestKey, now.getTime()])) === 0)
        throw new DomainError('duplicate_request', requestKey);
      const changed = decide(before);
      await this.#save(tx, changed.case, loaded);
      await this.#appendEvent(tx, changed.case, changed.event, now);
      return changed;
    });
  }

  /**
   * Writes a case and its steps; pending reminders of steps no longer open are cancelled. In a
   * unit of work that read the case, only the steps that changed since are written.
   */
  save(c: RecoveryCase): Promise<void> {
    const read = this.conn.inTransaction ? this.#read.get(c.id) : undefined;
    this.#read.delete(c.id);
    return this.conn.transaction((tx) =>
      this.#save(tx, c, read?.row.team_id === c.teamId ? read : null),
    );
  }

  /**
   * Writes the case row, then its steps: every step, or with `loaded` (the case as read under its
   * lock in this transaction) only those whose columns would change, in one statement. The case
   * row is always written first, so on PostgreSQL every writer of a case's steps holds its row
   * lock and the rows loaded under it are what the table holds. Reminders still pending for what
   * this save closes are cancelled: a step no longer open, or every step of a case that ended.
   */
  async #save(tx: Conn, c: RecoveryCase, loaded: Loaded | null): Promise<void> {
    const p = this.#caseParams(c);
    await tx.run(UPDATE_CASE, [...values(CASE_UPDATE, p), p.id, p.team_id]);
    const was = loaded && new Map(loaded.steps.map((r) => [r.key, r]));
    const changed: Param[] = [];
    let n = 0;
    const closed: StepKey[] = [];
    for (const s of c.steps) {
      const sp = this.#stepParams(c, s);
      const row = was?.get(s.key);
      if (!row || !unchanged(row, sp)) {
        changed.push(...values(STEP_INSERT, sp));
        n++;
      }
      // Closed (or snoozed) by this save: a step that was pending (a snoozed or closed one had its
      // reminders cancelled then; one nudged after all is dropped when it is sent). Without the
      // rows as read, every step not open.
      if ((!isOpen(s) || s.status === 'snoozed') && (!row || row.status === 'pending'))
        closed.push(s.key);
    }
    if (n > 0) await tx.run(WRITE_STEPS(n), changed);
    // A case no longer open cancels its reminders of every step; else those of its steps no
    // longer open (one statement either way).
    if (c.status !== 'open') {
      if (loaded?.row.status !== c.status) await tx.run(CANCEL_CASE_REMINDERS, [c.id, c.teamId]);
    } else if (closed.length > 0)
      await tx.run(cancelSteps(closed.length), [c.id, c.teamId, ...closed]);
  }

  /** Written lightly (no fsync): lost to a power cut, the post is found again by its metadata. */
  async setMessageTs(teamId: string, id: number, ts: string): Promise<void> {
    await this.conn.run(SET_MESSAGE, [ts, id, teamId], { light: true });
  }

  /** The first reply's ts, if one is on record. */
  async firstReplyOf(teamId: string, id: number): Promise<string[]> {
    const r = await this.conn.get<{ ts: string | null }>(FIRST_REPLY_OF, [id, teamId]);
    // 'before-migration-10' marks a reply known to exist, ts unknown.
    return r?.ts && /^\d+\.\d+$/.test(r.ts) ? [r.ts] : [];
  }

  /** The first thread reply is in Slack (its ts). */
  async setFirstReply(teamId: string, id: number, ts: string): Promise<void> {
    await this.conn.run(SET_FIRST_REPLY, [ts, id, teamId]);
  }

  /** The parent was drawn from the stored state at `at`. */
  async setRenderedAt(teamId: string, id: number, at: Date, version: number): Promise<void> {
    await this.conn.run(SET_RENDERED(this.conn), [at.getTime(), version, id, teamId]);
  }

  /** Posted cases whose first reply is not known to be in Slack (opened before `before`). */
  async listMissingFirstReply(before: Date, limit: number): Promise<RecoveryCase[]> {
    return this.#cases(
      await this.conn.all<CaseRow>(MISSING_FIRST_REPLY, [before.getTime(), limit]),
    );
  }

  /** Posted cases whose parent shows a step as not yet due (or snoozed) that time has moved past. */
  async listStaleParents(now: Date, limit: number): Promise<RecoveryCase[]> {
    // A crossing more than two days old was redrawn by the sweep then (or by the start-up redraw).
    const t = now.getTime();
    const since = t - 2 * 24 * 60 * 60_000;
    const rows = await this.conn.all<CaseRow>(STALE_PARENTS, [since, t, since, t, limit]);
    // Drawn from an older version: the redraw after the change never landed.
    const behind = await this.conn.all<CaseRow>(BEHIND_PARENTS, [limit]);
    const seen = new Set(rows.map((r) => r.id));
    for (const r of behind) if (!seen.has(r.id) && rows.length < limit) rows.push(r);
    return this.#cases(rows);
  }

  async setDeliveryProblem(teamId: string, id: number, problem: string | null): Promise<void> {
    await this.conn.run(SET_PROBLEM, [problem, id, teamId]);
  }

  /** Open cases of a channel plus the caller's own, newest first. */
  async listOpen(
    teamId: string,
    channelId: string,
    userId: string,
    limit = 30,
  ): Promise<RecoveryCase[]> {
    return this.#cases(await this.conn.all<CaseRow>(LIST_OPEN, [teamId, channelId, userId, limit]));
  }

  /** A channel's open cases whose post Slack refused (and that are not being posted right now). */
  async listWaitingIn(teamId: string, channelId: string): Promise<RecoveryCase[]> {
    return this.#cases(await this.conn.all<CaseRow>(WAITING_IN, [teamId, channelId]));
  }

  /** Open cases never shown in Slack (their parent post failed or never happened), oldest first. */
  async listUnposted(limit: number): Promise<RecoveryCase[]> {
    return this.#cases(await this.conn.all<CaseRow>(LIST_UNPOSTED, [limit]));
  }

  async listOpenInTeam(teamId: string, limit: number): Promise<RecoveryCase[]> {
    return this.#cases(await this.conn.all<CaseRow>(LIST_OPEN_IN_TEAM, [teamId, limit]));
  }

  async listOwned(teamId: string, userId: string, limit = 30): Promise<RecoveryCase[]> {
    return this.#cases(await this.conn.all<CaseRow>(LIST_OWNED, [teamId, userId, limit]));
  }

  /**
   * Case rows with their steps, in the rows' order: the steps read a page of cases at a time (not
   * a statement per case). A step belongs to its case's team (as `get` reads it).
   */
  async #cases(rows: readonly CaseRow[]): Promise<RecoveryCase[]> {
    const steps = new Map<number, StepRow[]>();
    for (let i = 0; i < rows.length; i += STEPS_PER_READ) {
      const ids = rows.slice(i, i + STEPS_PER_READ).map((r) => r.id);
      const q = stepsOf(ids);
      for (const s of await this.conn.all<StepRow>(q.sql, q.params)) {
        const of = steps.get(s.case_id);
        if (of) of.push(s);
        else steps.set(s.case_id, [s]);
      }
    }
    return rows.map((r) =>
      toCase(
        r,
        (steps.get(r.id) ?? []).filter((s) => s.team_id === r.team_id),
      ),
    );
  }

  async events(teamId: string, caseId: number): Promise<EventRecord[]> {
    const rows = await this.conn.all<{
      id: number;
      at: number;
      actor: string;
      type: string;
      step_key: StepKey | null;
      data: string | null;
    }>(EVENTS, [teamId, caseId]);
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
  async remember(teamId: string, key: string, now: Date): Promise<boolean> {
    return (await this.conn.run(REMEMBER, [teamId, key, now.getTime()])) === 1;
  }

  /** Slack only retries or replays within minutes; a day of keys is plenty. */
  async forgetRequestsBefore(t: Date): Promise<void> {
    await this.conn.run(FORGET_OLD, [t.getTime()]);
  }

  async #appendEvent(tx: Conn, c: RecoveryCase, e: CaseEvent, now: Date): Promise<void> {
    await tx.run(INSERT_EVENT, [
      c.teamId,
      c.id,
      now.getTime(),
      e.actor,
      e.type,
      e.stepKey ?? null,
      e.data ? JSON.stringify(e.data) : null,
    ]);
  }

  #caseParams(c: RecoveryCase): CaseParams {
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
      client_id: c.clientId ?? null,
      meetings:
        c.meetings && (c.meetings.meeting || c.meetings.fix) ? JSON.stringify(c.meetings) : null,
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
      undo: writeUndo(c.undo),
    };
  }

  #stepParams(c: RecoveryCase, s: Step): StepParams {
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
