import type { CaseHistory, HistoryEvent, OpenNow, StepSnapshot } from '../domain/outcomes.js';
import type { Severity, StepKey } from '../domain/playbook.js';
import type { CaseStatus, StepStatus } from '../domain/recoveryCase.js';
import { wellFormed } from '../domain/text.js';
import type {
  CaseCursor,
  CaseHistoryQuery,
  CaseHistorySource,
  CasePage,
  ExportCase,
  ExportCursor,
  ExportPage,
  ExportRow,
  KnownNames,
} from '../services/export.js';
import { readCadence } from './caseRepo.js';
import type { Conn, Param } from './sql.js';

interface CaseRow {
  id: number;
  team_id: string;
  channel_id: string;
  client: string;
  severity: Severity;
  owner_id: string;
  status: CaseStatus;
  created_at: number;
  closed_at: number | null;
}

interface StepRow {
  case_id: number;
  key: StepKey;
  status: StepStatus;
  due_at: number | null;
  done_at: number | null;
  cadence: string | null;
}

interface EventRow {
  case_id: number;
  at: number;
  actor: string;
  type: string;
  step_key: StepKey | null;
  data: string | null;
}

/**
 * The cases of one team (optionally one channel) opened in [since, until): parameters team, channel
 * twice, since twice, until twice (see `windowParams`). A bound left out is NULL; the CASTs give
 * PostgreSQL the type of a parameter it sees only in `IS NULL`.
 */
const IN_WINDOW = `team_id = ?
    AND (CAST(? AS TEXT) IS NULL OR channel_id = ?)
    AND (CAST(? AS BIGINT) IS NULL OR created_at >= ?)
    AND (CAST(? AS BIGINT) IS NULL OR created_at < ?)`;
const CASES_IN_WINDOW = `SELECT id FROM cases WHERE ${IN_WINDOW}`;
/**
 * The reports' cases: opened in [since, until), or closed in it whenever opened. Each part a range
 * over its index (cases_by_opening, cases_by_closing) with no optional bound, which SQLite could not
 * search by: App Home is drawn again after every change. Parameters: team, since, until, twice;
 * with a channel, team, channel, since, until, twice.
 */
const reportCases = (channel: boolean) => {
  const ch = channel ? ' AND channel_id = ?' : '';
  return `SELECT id FROM cases WHERE team_id = ?${ch} AND created_at >= ? AND created_at < ?
  UNION SELECT id FROM cases WHERE team_id = ?${ch} AND closed_at >= ? AND closed_at < ?`;
};

/**
 * The cases open now (closed_at NULL: closing a case always stamps it), whenever opened: how many,
 * and how many of them the client refused. Counted over cases_by_closing, which holds the channel
 * and the answer too, never loaded: a workspace with thousands of old open cases redraws App Home
 * without reading their events.
 */
const openNowSql = (channel: boolean) => `SELECT COUNT(*) AS open,
    COALESCE(SUM(CASE WHEN answer = 'refused' THEN 1 ELSE 0 END), 0) AS refused
  FROM cases WHERE team_id = ? AND closed_at IS NULL${channel ? ' AND channel_id = ?' : ''}`;
/** The latest refusals among them (parameters: team, the channel if any, limit). */
const refusedNowSql = (channel: boolean) => `SELECT id, client, channel_id, owner_id, answered_at
  FROM cases WHERE team_id = ? AND closed_at IS NULL${channel ? ' AND channel_id = ?' : ''}
    AND answer = 'refused'
  ORDER BY answered_at DESC, id DESC LIMIT ?`;
const OPEN_NOW = { team: openNowSql(false), channel: openNowSql(true) };
const REFUSED_NOW = { team: refusedNowSql(false), channel: refusedNowSql(true) };

/**
 * The three reads of a load, over the cases that `ids` selects; the case's summary (what happened)
 * only for the export: the reports never show it, and App Home's redraws need not carry it.
 */
const readsOver = (ids: string, summary: boolean) => ({
  cases: `SELECT id, team_id, channel_id, client, ${summary ? 'summary, ' : ''}severity, owner_id,
    status, created_at, closed_at FROM cases WHERE id IN (${ids}) ORDER BY created_at, id`,
  steps: `SELECT case_id, key, status, due_at, done_at, cadence FROM steps
  WHERE team_id = ? AND case_id IN (${ids}) ORDER BY case_id, position`,
  events: `SELECT case_id, at, actor, type, step_key, data FROM events
  WHERE team_id = ? AND case_id IN (${ids}) ORDER BY case_id, id`,
});
const OPENED = readsOver(CASES_IN_WINDOW, true);

/**
 * A page of the case sheet: the window's cases in opening order after (after_at, after_case), none
 * newer than the export's start. Parameters: the window (7), up_to_case, after_at, after_case, limit.
 */
const CASE_PAGE_IDS = `SELECT id FROM cases WHERE ${IN_WINDOW}
    AND id <= ? AND (created_at, id) > (?, ?)
  ORDER BY created_at, id LIMIT ?`;
const PAGE = {
  cases: `SELECT id, team_id, channel_id, client, summary, severity, owner_id, status, created_at,
    closed_at FROM cases WHERE id IN (${CASE_PAGE_IDS}) ORDER BY created_at, id`,
  steps: `SELECT case_id, key, status, due_at, done_at, cadence FROM steps
  WHERE team_id = ? AND case_id IN (${CASE_PAGE_IDS}) ORDER BY case_id, position`,
  events: `SELECT case_id, at, actor, type, step_key, data FROM events
  WHERE team_id = ? AND id <= ? AND case_id IN (${CASE_PAGE_IDS}) ORDER BY case_id, id`,
};
const PEOPLE =
  'SELECT user_id AS id, name FROM user_profiles WHERE team_id = ? AND name IS NOT NULL';
const CHANNELS = 'SELECT channel_id AS id, name FROM channel_sharing WHERE name IS NOT NULL';
const OF_REPORT = {
  team: readsOver(reportCases(false), false),
  channel: readsOver(reportCases(true), false),
};
const MARK = 'SELECT COALESCE(MAX(id), 0) AS id FROM events';
const LAST_CASE = 'SELECT COALESCE(MAX(id), 0) AS id FROM cases';

/** The window's parameters, in IN_WINDOW's order: team, channel twice, since twice, until twice. */
function windowParams(q: CaseHistoryQuery): Param[] {
  const channel = q.channelId ?? null;
  const since = q.since ? q.since.getTime() : null;
  const until = q.until ? q.until.getTime() : null;
  return [q.teamId, channel, channel, since, since, until, until];
}

/**
 * One page of the export: the window's cases in opening order (through cases_by_opening, so a page
 * starts where the last stopped instead of sorting the team's cases again), each with its events in
 * log order, or once with none. A page starts after (after_at, after_case) and, inside that case,
 * after event after_event; nothing newer than the export's start (up_to_case, up_to_event).
 * Parameters: up_to_event, after_case, after_event, the window (7), up_to_case, after_at,
 * after_case, after_case, limit.
 */
const EXPORT_PAGE = `
  SELECT c.id, c.channel_id, c.client, c.severity, c.owner_id, c.status, c.created_at, c.closed_at,
         e.id AS event_id, e.at, e.actor, e.type, e.step_key, e.data
  FROM cases c
  LEFT JOIN events e ON e.team_id = c.team_id AND e.case_id = c.id AND e.id <= ?
    AND (c.id <> ? OR e.id > ?)
  WHERE c.team_id = ?
    AND (CAST(? AS TEXT) IS NULL OR c.channel_id = ?)
    AND (CAST(? AS BIGINT) IS NULL OR c.created_at >= ?)
    AND (CAST(? AS BIGINT) IS NULL OR c.created_at < ?)
    AND c.id <= ?
    AND (c.created_at, c.id) >= (?, ?)
    AND NOT (c.id = ? AND e.id IS NULL)
  ORDER BY c.created_at, c.id, e.id
  LIMIT ?`;

/** A case with one of its events (none: the event columns are null). */
interface ExportRowRow extends Omit<CaseRow, 'team_id'> {
  event_id: number | null;
  at: number | null;
  actor: string | null;
  type: string | null;
  step_key: StepKey | null;
  data: string | null;
}

const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

/** A case's row as the export's case columns (and a case history's). */
const exportCase = (r: Omit<CaseRow, 'team_id'>): ExportCase => ({
  id: r.id,
  channelId: r.channel_id,
  client: r.client,
  severity: r.severity,
  ownerId: r.owner_id,
  status: r.status,
  createdAt: new Date(r.created_at),
  closedAt: date(r.closed_at),
});

function parseData(s: string | null): Readonly<Record<string, unknown>> | null {
  if (s === null) return null;
  try {
    const v: unknown = wellFormed(JSON.parse(s));
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : { value: v };
  } catch {
    return { raw: s }; // an unreadable row still shows in a report, never breaks it
  }
}

/** Cases, their steps and their events, as read, into case histories (rows in the reads' order). */
function assemble(
  caseRows: readonly (CaseRow & { summary?: string })[],
  stepRows: readonly StepRow[],
  eventRows: readonly EventRow[],
): CaseHistory[] {
  const steps = new Map<number, StepSnapshot[]>();
  for (const r of stepRows) {
    const list = steps.get(r.case_id) ?? [];
    const log = r.cadence ? readCadence(r.cadence) : null;
    list.push({
      key: r.key,
      status: r.status,
      dueAt: date(r.due_at),
      doneAt: date(r.done_at),
      ...(log ? { followUps: { recorded: log.recorded, missed: log.missed.length } } : {}),
    });
    steps.set(r.case_id, list);
  }
  const events = new Map<number, (HistoryEvent & { actor: string })[]>();
  for (const r of eventRows) {
    const list = events.get(r.case_id) ?? [];
    list.push({
      at: new Date(r.at),
      type: r.type,
      stepKey: r.step_key,
      actor: r.actor,
      data: parseData(r.data),
    });
    events.set(r.case_id, list);
  }
  return caseRows.map(
    (r): CaseHistory => ({
      ...(r.summary !== undefined ? { summary: r.summary } : {}),
      ...exportCase(r),
      teamId: r.team_id,
      steps: steps.get(r.id) ?? [],
      events: events.get(r.id) ?? [],
    }),
  );
}

/** The reports' reads and their parameters (see reportCases). */
function reportQuery(q: CaseHistoryQuery): { sql: typeof OPENED; params: Param[] } {
  const since = q.since ? q.since.getTime() : Number.MIN_SAFE_INTEGER;
  const until = q.until ? q.until.getTime() : Number.MAX_SAFE_INTEGER;
  const head: Param[] = q.channelId ? [q.teamId, q.channelId] : [q.teamId];
  const part = [...head, since, until];
  return { sql: q.channelId ? OF_REPORT.channel : OF_REPORT.team, params: [...part, ...part] };
}

/**
 * Read-only: the cases of a team with their steps and audit trail, for reports and exports.
 * Three statements per load (cases, steps, events), whatever the number of cases: no N+1.
 */
export class ReportRepo implements CaseHistorySource {
  constructor(readonly conn: Conn) {}

  /** The newest event's id (the primary key's maximum: one index step). */
  async mark(): Promise<number> {
    return Number((await this.conn.get<{ id: number }>(MARK))?.id ?? 0);
  }

  /**
   * Cases opened in [since, until) (either bound may be left out), and with `decidedToo` also those
   * closed in it whenever opened; oldest first, events in log order.
   */
  async load(q: CaseHistoryQuery): Promise<CaseHistory[]> {
    const { sql, params } = q.decidedToo
      ? reportQuery(q)
      : { sql: OPENED, params: windowParams(q) };
    // One read transaction: the three statements see the same snapshot of the database (on
    // PostgreSQL that takes REPEATABLE READ: each statement of a READ COMMITTED one has its own).
    const read = async (c: Conn) => {
      const caseRows = await c.all<CaseRow & { summary?: string }>(sql.cases, params);
      const stepRows = await c.all<StepRow>(sql.steps, [q.teamId, ...params]);
      const eventRows = await c.all<EventRow>(sql.events, [q.teamId, ...params]);
      return { caseRows, stepRows, eventRows };
    };
    const { caseRows, stepRows, eventRows } = this.conn.inTransaction
      ? await read(this.conn)
      : await this.conn.transaction(async (c) => {
          if (c.dialect === 'postgres')
            await c.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          return read(c);
        });
    return assemble(caseRows, stepRows, eventRows);
  }

  /** The cases open now (see OPEN_NOW), with the `limit` latest refusals among them. */
  async openNow(teamId: string, channelId: string | null, limit: number): Promise<OpenNow> {
    const where: Param[] = channelId ? [teamId, channelId] : [teamId];
    const counts = await this.conn.get<{ open: number | string; refused: number | string }>(
      channelId ? OPEN_NOW.channel : OPEN_NOW.team,
      where,
    );
    const rows = await this.conn.all<{
      id: number;
      client: string;
      channel_id: string;
      owner_id: string;
      answered_at: number | null;
    }>(channelId ? REFUSED_NOW.channel : REFUSED_NOW.team, [...where, limit]);
    return {
      open: Number(counts?.open ?? 0),
      refused: Number(counts?.refused ?? 0),
      refusedCases: rows.map((r) => ({
        id: Number(r.id),
        client: r.client,
        channelId: r.channel_id,
        ownerId: r.owner_id,
        refusedAt: new Date(Number(r.answered_at ?? 0)),
      })),
    };
  }

  /**
   * The export's rows after `after` (from the start when null), at most `limit` of them: one query
   * over an index, however large the team. The first page fixes what the export includes (the
   * newest case and event then); a case's columns are read with each page, as they are then.
   */
  async exportPage(
    q: CaseHistoryQuery,
    after: ExportCursor | null,
    limit: number,
  ): Promise<ExportPage> {
    const upTo = after?.upTo ?? {
      caseId: Number((await this.conn.get<{ id: number }>(LAST_CASE))?.id ?? 0),
      eventId: await this.mark(),
    };
    const afterCase = after?.caseId ?? 0;
    const rows = await this.conn.all<ExportRowRow>(EXPORT_PAGE, [
      upTo.eventId,
      afterCase,
      after?.eventId ?? 0,
      ...windowParams(q),
      upTo.caseId,
      after?.at ?? Number.MIN_SAFE_INTEGER,
      afterCase,
      afterCase,
      limit,
    ]);
    const out: ExportRow[] = [];
    let head = null as ExportCase | null;
    for (const r of rows) {
      if (head?.id !== r.id) head = exportCase(r);
      out.push({
        case: head,
        event:
          r.event_id === null
            ? null
            : {
                at: new Date(r.at as number),
                type: r.type as string,
                stepKey: r.step_key,
                actor: r.actor as string,
                data: parseData(r.data),
              },
      });
    }
    const last = rows.at(-1);
    return {
      rows: out,
      next:
        last && rows.length === limit
          ? {
              at: last.created_at,
              caseId: last.id,
              // A case shown without events has nothing more to show.
              eventId: last.event_id ?? Number.MAX_SAFE_INTEGER,
              upTo,
            }
          : null,
      upTo,
    };
  }

  /**
   * The case sheet's cases after `after` (from the start when null), at most `limit` of them, each
   * whole: one read of a page of case ids over cases_by_opening, with its steps and events (up to
   * the export's newest event), in one snapshot. The first page fixes what the export includes.
   */
  async casePage(q: CaseHistoryQuery, after: CaseCursor | null, limit: number): Promise<CasePage> {
    const upTo = after?.upTo ?? {
      caseId: Number((await this.conn.get<{ id: number }>(LAST_CASE))?.id ?? 0),
      eventId: await this.mark(),
    };
    const ids = [
      ...windowParams(q),
      upTo.caseId,
      after?.at ?? Number.MIN_SAFE_INTEGER,
      after?.caseId ?? 0,
      limit,
    ];
    const read = async (c: Conn) => {
      const caseRows = await c.all<CaseRow & { summary: string }>(PAGE.cases, ids);
      const stepRows = await c.all<StepRow>(PAGE.steps, [q.teamId, ...ids]);
      const eventRows = await c.all<EventRow>(PAGE.events, [q.teamId, upTo.eventId, ...ids]);
      return { caseRows, stepRows, eventRows };
    };
    const rows = this.conn.inTransaction
      ? await read(this.conn)
      : await this.conn.transaction(async (c) => {
          if (c.dialect === 'postgres')
            await c.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          return read(c);
        });
    const cases = assemble(rows.caseRows, rows.stepRows, rows.eventRows);
    const last = rows.caseRows.at(-1);
    return {
      cases,
      next:
        last && rows.caseRows.length === limit
          ? { at: last.created_at, caseId: last.id, upTo }
          : null,
      upTo,
    };
  }

  /**
   * The names the bot knows: the team's people (the profiles cache: Slack's real name) and every
   * channel Slack named when asked whether it is shared (a few hundred rows; only the ids of this
   * team's cases are ever looked up in it).
   */
  async names(teamId: string): Promise<KnownNames> {
    const people = await this.conn.all<{ id: string; name: string }>(PEOPLE, [teamId]);
    const channels = await this.conn.all<{ id: string; name: string }>(CHANNELS);
    return {
      people: new Map(people.map((r) => [r.id, r.name])),
      channels: new Map(channels.map((r) => [r.id, r.name])),
    };
  }
}
