import type { CaseHistory, HistoryEvent, StepSnapshot } from '../domain/outcomes.js';
import type { Severity, StepKey } from '../domain/playbook.js';
import type { CaseStatus, StepStatus } from '../domain/recoveryCase.js';
import { wellFormed } from '../domain/text.js';
import type {
  CaseHistoryQuery,
  CaseHistorySource,
  ExportCase,
  ExportCursor,
  ExportPage,
  ExportRow,
} from '../services/export.js';
import { readCadence } from './caseRepo.js';
import type { Db } from './db.js';

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

/** The cases of one team (optionally one channel) opened in [since, until), by their opening time. */
const IN_WINDOW = `team_id = @team_id
    AND (@channel_id IS NULL OR channel_id = @channel_id)
    AND (@since IS NULL OR created_at >= @since)
    AND (@until IS NULL OR created_at < @until)`;
const CASES_IN_WINDOW = `SELECT id FROM cases WHERE ${IN_WINDOW}`;

/**
 * One page of the export: the window's cases in opening order (through cases_by_opening, so a page
 * starts where the last stopped instead of sorting the team's cases again), each with its events in
 * log order, or once with none. A page starts after (@after_at, @after_case) and, inside that case,
 * after event @after_event; nothing newer than the export's start (@up_to_case, @up_to_event).
 */
const EXPORT_PAGE = `
  SELECT c.id, c.channel_id, c.client, c.severity, c.owner_id, c.status, c.created_at, c.closed_at,
         e.id AS event_id, e.at, e.actor, e.type, e.step_key, e.data
  FROM cases c INDEXED BY cases_by_opening
  LEFT JOIN events e ON e.team_id = c.team_id AND e.case_id = c.id AND e.id <= @up_to_event
    AND (c.id <> @after_case OR e.id > @after_event)
  WHERE c.team_id = @team_id
    AND (@channel_id IS NULL OR c.channel_id = @channel_id)
    AND (@since IS NULL OR c.created_at >= @since)
    AND (@until IS NULL OR c.created_at < @until)
    AND c.id <= @up_to_case
    AND (c.created_at, c.id) >= (@after_at, @after_case)
    AND NOT (c.id = @after_case AND e.id IS NULL)
  ORDER BY c.created_at, c.id, e.id
  LIMIT @limit`;

interface ExportRowRow {
  id: number;
  channel_id: string;
  client: string;
  severity: Severity;
  owner_id: string;
  status: CaseStatus;
  created_at: number;
  closed_at: number | null;
  event_id: number | null;
  at: number | null;
  actor: string | null;
  type: string | null;
  step_key: StepKey | null;
  data: string | null;
}

const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

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

/**
 * Read-only: the cases of a team with their steps and audit trail, for reports and exports.
 * Three statements per load (cases, steps, events), whatever the number of cases: no N+1.
 */
export class ReportRepo implements CaseHistorySource {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      cases: db.prepare(
        `SELECT id, team_id, channel_id, client, severity, owner_id, status, created_at, closed_at
         FROM cases WHERE ${IN_WINDOW} ORDER BY created_at, id`,
      ),
      steps: db.prepare(
        `SELECT case_id, key, status, due_at, done_at, cadence FROM steps
         WHERE team_id = @team_id AND case_id IN (${CASES_IN_WINDOW}) ORDER BY case_id, position`,
      ),
      mark: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events'),
      lastCase: db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM cases').pluck(),
      exportPage: db.prepare(EXPORT_PAGE),
      events: db.prepare(
        `SELECT case_id, at, actor, type, step_key, data FROM events
         WHERE team_id = @team_id AND case_id IN (${CASES_IN_WINDOW}) ORDER BY case_id, id`,
      ),
    };
  }

  /** The newest event's id (the rowid's maximum: one index step). */
  mark(): number {
    return (this.#s.mark.get() as { id: number }).id;
  }

  /** Cases opened in [since, until) (either bound may be left out), oldest first; events in log order. */
  load(q: CaseHistoryQuery): CaseHistory[] {
    const params = {
      team_id: q.teamId,
      channel_id: q.channelId ?? null,
      since: q.since ? q.since.getTime() : null,
      until: q.until ? q.until.getTime() : null,
    };
    // One read transaction: the three statements see the same snapshot of the database.
    return this.#db.transaction(() => {
      const caseRows = this.#s.cases.all(params) as CaseRow[];
      const steps = new Map<number, StepSnapshot[]>();
      for (const r of this.#s.steps.all(params) as StepRow[]) {
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
      for (const r of this.#s.events.all(params) as EventRow[]) {
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
          id: r.id,
          teamId: r.team_id,
          channelId: r.channel_id,
          client: r.client,
          severity: r.severity,
          ownerId: r.owner_id,
          status: r.status,
          createdAt: new Date(r.created_at),
          closedAt: date(r.closed_at),
          steps: steps.get(r.id) ?? [],
          events: events.get(r.id) ?? [],
        }),
      );
    })();
  }

  /**
   * The export's rows after `after` (from the start when null), at most `limit` of them: one query
   * over an index, however large the team. The first page fixes what the export includes (the
   * newest case and event then); a case's columns are read with each page, as they are then.
   */
  exportPage(q: CaseHistoryQuery, after: ExportCursor | null, limit: number): ExportPage {
    const upTo = after?.upTo ?? { caseId: this.#s.lastCase.get() as number, eventId: this.mark() };
    const rows = this.#s.exportPage.all({
      team_id: q.teamId,
      channel_id: q.channelId ?? null,
      since: q.since ? q.since.getTime() : null,
      until: q.until ? q.until.getTime() : null,
      up_to_case: upTo.caseId,
      up_to_event: upTo.eventId,
      after_at: after?.at ?? Number.MIN_SAFE_INTEGER,
      after_case: after?.caseId ?? 0,
      after_event: after?.eventId ?? 0,
      limit,
    }) as ExportRowRow[];
    const out: ExportRow[] = [];
    let head = null as ExportCase | null;
    for (const r of rows) {
      if (head?.id !== r.id)
        head = {
          id: r.id,
          channelId: r.channel_id,
          client: r.client,
          severity: r.severity,
          ownerId: r.owner_id,
          status: r.status,
          createdAt: new Date(r.created_at),
          closedAt: date(r.closed_at),
        };
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
    };
  }
}
