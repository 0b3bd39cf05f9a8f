import { createRequire } from 'node:module';
import type * as CsvStringify from 'csv-stringify/sync';
import {
  type CaseHistory,
  caseFacts,
  type HistoryEvent,
  type OpenNow,
} from '../domain/outcomes.js';

/*
 * The CSV export of a workspace's cases, as two files a manager can paste into a spreadsheet: the
 * case sheet (one row per case: client, owner, channel, own-up time, outcome, compensation, changes,
 * follow-ups) and the timeline (one row per event, the case's own columns repeated on each, the
 * event's details in readable columns). People and channels are named from what the bot already
 * stores (the profiles cache, the channel names Slack gave with conversations.info), ids kept beside;
 * a name the bot does not know is left empty, never looked up per row. Independent of Slack: a
 * listener, a command-line tool or a test can call it with any CaseHistorySource.
 */

/** Which cases to load: a team, optionally one channel, opened in [since, until). */
export interface CaseHistoryQuery {
  readonly teamId: string;
  readonly channelId?: string | null;
  readonly since?: Date | null;
  readonly until?: Date | null;
  /**
   * Also the cases closed in [since, until) whenever they were opened: the outcome figures count a
   * decision in the window of its time (load only; the export reads by opening).
   */
  readonly decidedToo?: boolean;
}

/**
 * Where case histories come from (store/reportRepo.ts implements it). A port: it belongs in
 * services/ports.ts beside the others, and lives here until that file can take it.
 */
export interface CaseHistorySource {
  /** Cases opened in the window, oldest first, each with its events in log order. */
  load(q: CaseHistoryQuery): Promise<CaseHistory[]>;
  /** Grows with every event written (any team): a report drawn at the same mark is the same. */
  mark?(): Promise<number>;
  /**
   * The export's rows a page at a time (see ExportPage), one short query each, so that a large
   * export never holds the event loop. A source without it is exported from load().
   */
  exportPage?(q: CaseHistoryQuery, after: ExportCursor | null, limit: number): Promise<ExportPage>;
  /**
   * The case sheet's cases a page at a time, each whole (steps and events), up to the newest case
   * and event of `after.upTo` (or of the moment of the first page). A source without it: load().
   */
  casePage?(q: CaseHistoryQuery, after: CaseCursor | null, limit: number): Promise<CasePage>;
  /**
   * The cases open now whenever opened (a channel's, or the team's with null): counted, with the
   * `limit` latest refusals among them. A source without it: the open cases among those loaded.
   */
  openNow?(teamId: string, channelId: string | null, limit: number): Promise<OpenNow>;
  /** The names the bot knows for people of this team and for channels. */
  names?(teamId: string): Promise<KnownNames>;
}

/** People's names (the profiles cache) and channels' names (Slack's last word on them), by id. */
export interface KnownNames {
  readonly people: ReadonlyMap<string, string>;
  readonly channels: ReadonlyMap<string, string>;
}

export const NO_NAMES: KnownNames = { people: new Map(), channels: new Map() };

/** The newest case and event an export includes (fixed when it begins). */
export interface ExportBound {
  readonly caseId: number;
  readonly eventId: number;
}

/** Where the next page of the case sheet starts: after this case (by opening time, then id). */
export interface CaseCursor {
  readonly at: number;
  readonly caseId: number;
  readonly upTo: ExportBound;
}

export interface CasePage {
  readonly cases: readonly CaseHistory[];
  readonly next: CaseCursor | null;
  readonly upTo: ExportBound;
}

/** A case's own columns, repeated on each of its rows. */
export type ExportCase = Pick<
  CaseHistory,
  'id' | 'client' | 'channelId' | 'severity' | 'ownerId' | 'status' | 'createdAt' | 'closedAt'
>;

/** One row of the export: a case and one of its events, or the case alone when it has none. */
export interface ExportRow {
  readonly case: ExportCase;
  readonly event: (HistoryEvent & { readonly actor: string }) | null;
}

/**
 * Where the next page starts: after this case (by opening time, then id) and this event of it.
 * `upTo` holds the newest case and event ids when the export began: what is written while it runs
 * (a page at a time, between requests) is left out, so the file is the workspace as it was asked for.
 */
export interface ExportCursor {
  readonly at: number;
  readonly caseId: number;
  readonly eventId: number;
  readonly upTo: ExportBound;
}

/** Up to `limit` rows, in the file's order; `next` is null after the last page. */
export interface ExportPage {
  readonly rows: readonly ExportRow[];
  readonly next: ExportCursor | null;
  /** What this export includes (the case sheet is cut at the same place). */
  readonly upTo?: ExportBound;
}

/** The timeline: one row per event. Instants are UTC, written as spreadsheets read them. */
export const TIMELINE_COLUMNS = [
  'case_id',
  'client',
  'channel_id',
  'channel_name',
  'severity',
  'owner_id',
  'owner_name',
  'status',
  'opened_utc',
  'closed_utc',
  'event_utc',
  'event',
  'step',
  'actor_id',
  'actor_name',
  /** What a person wrote with it: a note, or a reason (a skip, a dropped change, a lost case). */
  'note',
  /** A closing's outcome. */
  'outcome',
  /** The time the event sets: the meeting, a snooze's end, a change's deadline, the next follow-up. */
  'when_utc',
  /** A meeting moved: its time before. */
  'previous_when_utc',
  /** A corrective change: its number and what it is. */
  'change',
  /** The person the event names: the owner at opening, who makes a change. */
  'person_id',
  'person_name',
  /** Anything else the event holds, one "what: value" line each. */
  'other_details',
] as const;

/** The case sheet: one row per case. */
export const CASE_COLUMNS = [
  'case_id',
  'client',
  'what_happened',
  'severity',
  'status',
  'client_answer',
  'answered_utc',
  'owner_id',
  'owner_name',
  'channel_id',
  'channel_name',
  'opened_utc',
  'owned_up_utc',
  'own_up_hours',
  'meeting_utc',
  'apologised',
  'compensation',
  'compensation_note',
  'changes_promised',
  'changes_done',
  'changes_dropped',
  'changes_open',
  'follow_ups_recorded',
  'follow_ups_missed',
  'decided_utc',
  'outcome_reason',
  'last_event_utc',
  'events',
] as const;

/** Excel needs the byte order mark to read the file as UTF-8 (Greek, Catalan accents). */
export const BOM = '\uFEFF';

/**
 * A cell a spreadsheet could run as a formula (OWASP "CSV injection"): it starts with = + - @, a
 * tab or a carriage return (or their full-width forms, which some spreadsheets fold to ASCII).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Prefixes an apostrophe to a cell a spreadsheet would otherwise treat as a formula. */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** An instant as spreadsheets read a date and time ("2026-03-02 09:00:00"), in UTC; empty if none. */
export function utc(d: Date | null): string {
  return d && !Number.isNaN(d.getTime()) ? d.toISOString().slice(0, 19).replace('T', ' ') : '';
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** An ISO instant in event data, as utc() writes it; anything else as it is. */
const whenOf = (v: unknown): string => {
  if (typeof v !== 'string') return '';
  return ISO_INSTANT.test(v) ? utc(new Date(v)) : v;
};

/** "Maria Rossi (U0MARIA01)", or the id alone when the name is not known. */
const personText = (id: string, names: KnownNames): string => {
  const n = names.people.get(id);
  return n ? `${n} (${id})` : id;
};
const channelText = (id: string, names: KnownNames): string => {
  const n = names.channels.get(id);
  return n ? `#${n} (${id})` : id;
};

/** A value of event data in words: people and channels named, instants in UTC, yes/no. */
function valueText(v: unknown, names: KnownNames): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (USER_ID.test(v)) return personText(v, names);
    if (CHANNEL_ID.test(v)) return channelText(v, names);
    return whenOf(v);
  }
  if (Array.isArray(v)) return v.map((x) => valueText(x, names)).join(', ');
  if (typeof v === 'object')
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${label(k)}: ${valueText(x, names)}`)
      .join('; ');
  return String(v);
}

/** A data key as words: notNeeded → "not needed", step_key → "step key". */
const label = (k: string): string =>
  k
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();

/** The event's data in the timeline's detail columns (TIMELINE_COLUMNS from `note` on). */
function detailCells(
  e: HistoryEvent,
  names: KnownNames,
): [string, string, string, string, string, string, string, string] {
  const d: Record<string, unknown> = { ...(e.data ?? {}) };
  const take = (k: string): unknown => {
    const v = d[k];
    delete d[k];
    return v;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const note = str(take('note')) || str(take('reason'));
  if (d.reason !== undefined && !note) take('reason');
  const outcome = str(take('outcome'));
  let when = '';
  for (const k of ['at', 'until', 'by', 'next'])
    if (!when && typeof d[k] === 'string' && ISO_INSTANT.test(d[k] as string))
      when = whenOf(take(k));
  const previous =
    typeof d.from === 'string' && ISO_INSTANT.test(d.from) ? whenOf(take('from')) : '';
  let change = '';
  if (typeof d.what === 'string') {
    const id = typeof d.id === 'number' ? `${take('id')}. ` : '';
    change = `${id}${take('what')}`;
  }
  let person = '';
  for (const k of ['who', 'owner'])
    if (!person && typeof d[k] === 'string' && USER_ID.test(d[k] as string))
      person = take(k) as string;
  const other = Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${label(k)}: ${valueText(v, names)}`)
    .join('\n');
  return [
    note,
    outcome,
    when,
    previous,
    change,
    person,
    person ? (names.people.get(person) ?? '') : '',
    other,
  ];
}

/** A timeline row's cells, as written (each neutralised against formula injection). */
function cells(c: ExportCase, e: ExportRow['event'], names: KnownNames): string[] {
  const head = [
    String(c.id),
    c.client,
    c.channelId,
    names.channels.get(c.channelId) ?? '',
    c.severity,
    c.ownerId,
    names.people.get(c.ownerId) ?? '',
    c.status,
    utc(c.createdAt),
    utc(c.closedAt),
  ];
  const tail = e
    ? [
        utc(e.at),
        e.type,
        e.stepKey ?? '',
        e.actor,
        names.people.get(e.actor) ?? '',
        ...detailCells(e, names),
      ]
    : Array.from({ length: TIMELINE_COLUMNS.length - head.length }, () => '');
  return [...head, ...tail].map(neutralizeCell);
}

const hours = (minutes: number | null): string =>
  minutes === null ? '' : String(Math.round((minutes / 60) * 100) / 100);

/** A case sheet row's cells (see CASE_COLUMNS), neutralised against formula injection. */
function caseCells(c: CaseHistory, names: KnownNames): string[] {
  const f = caseFacts(c);
  return [
    String(c.id),
    c.client,
    c.summary ?? '',
    c.severity,
    c.status,
    f.answer ?? '',
    utc(f.answeredAt),
    c.ownerId,
    names.people.get(c.ownerId) ?? '',
    c.channelId,
    names.channels.get(c.channelId) ?? '',
    utc(c.createdAt),
    utc(f.ownedUpAt),
    hours(f.ownUpMinutes),
    utc(f.meetingAt),
    f.apologized ? 'yes' : 'no',
    f.compensation ?? '',
    f.compensationNote ?? '',
    String(f.changes.promised),
    String(f.changes.done),
    String(f.changes.dropped),
    String(f.changes.open),
    String(f.followUps.recorded),
    String(f.followUps.missed),
    utc(c.status === 'open' ? null : c.closedAt),
    f.outcomeReason ?? '',
    utc(f.lastEventAt),
    String(c.events.length),
  ].map(neutralizeCell);
}

/** The rows of these cases, in the file's order (a case without events is one row). */
function* rowsOf(cases: readonly CaseHistory[]): Generator<ExportRow> {
  for (const c of cases) {
    if (c.events.length === 0) yield { case: c, event: null };
    for (const e of c.events) yield { case: c, event: e };
  }
}

/**
 * Records as CSV text: with `first`, the BOM and the header row before them. Pieces written for the
 * pages of one export, one after the other, are the text written for all its rows at once.
 */
function csvOf(records: string[][], columns: readonly string[], first: boolean): string {
  // Loaded by the first export, not at every start-up (it is most of ten milliseconds).
  const { stringify } = createRequire(import.meta.url)('csv-stringify/sync') as typeof CsvStringify;
  return stringify(records, {
    bom: first,
    header: first,
    columns: [...columns],
    record_delimiter: 'windows',
    // csv-stringify quotes only the record delimiter (CRLF here): a lone LF or CR in a note
    // must be quoted too, or a spreadsheet starts a new row at it.
    quoted_match: /[\r\n]/,
  });
}

/** Timeline rows as CSV text (see csvOf). */
function csvText(rows: Iterable<ExportRow>, first: boolean, names: KnownNames): string {
  const records: string[][] = [];
  for (const r of rows) records.push(cells(r.case, r.event, names));
  return csvOf(records, TIMELINE_COLUMNS, first);
}

/** Case sheet rows as CSV text (see csvOf). */
function caseCsvText(cases: Iterable<CaseHistory>, first: boolean, names: KnownNames): string {
  const records: string[][] = [];
  for (const c of cases) records.push(caseCells(c, names));
  return csvOf(records, CASE_COLUMNS, first);
}

/**
 * The timeline's CSV text, BOM first, CRLF line ends (RFC 4180), a header row, then one row per
 * event in the order given; a case without events gets one row with empty event columns. Cells
 * with a comma, a quote or a line break are quoted; every cell is neutralised against formula
 * injection.
 */
export function casesToCsv(cases: readonly CaseHistory[], names: KnownNames = NO_NAMES): string {
  return csvText(rowsOf(cases), true, names);
}

/** The case sheet's CSV text: as casesToCsv, one row per case (CASE_COLUMNS). */
export function caseSheetCsv(cases: readonly CaseHistory[], names: KnownNames = NO_NAMES): string {
  return caseCsvText(cases, true, names);
}

/** The names a source knows for a team (none when it can't say). */
const namesOf = async (source: CaseHistorySource, teamId: string): Promise<KnownNames> =>
  (await source.names?.(teamId)) ?? NO_NAMES;

/** The timeline of a team's cases (optionally one channel, one window) as UTF-8 bytes with a BOM. */
export function exportCasesCsv(source: CaseHistorySource, q: CaseHistoryQuery): Promise<Buffer> {
  return csvBytes(source, q, casesToCsv);
}

/** The case sheet of a team's cases, read at once, as UTF-8 bytes with a BOM. */
export function exportCaseSheetCsv(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
): Promise<Buffer> {
  return csvBytes(source, q, caseSheetCsv);
}

/** A team's cases, read at once with the names the source knows, written by `toCsv` as UTF-8. */
async function csvBytes(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  toCsv: (cases: readonly CaseHistory[], names: KnownNames) => string,
): Promise<Buffer> {
  const names = await namesOf(source, q.teamId);
  return Buffer.from(toCsv(await source.load(q), names), 'utf8');
}

/** A CSV written a page at a time: `next(limit)` gives the next piece, null once all was given. */
export interface CsvPager {
  next(limit: number): Promise<Buffer | null>;
  /** Rows returned so far. */
  readonly rows: number;
}

/**
 * The timeline being written, a page at a time: each `next(limit)` reads at most `limit` rows (one
 * query) and returns them as UTF-8 CSV, BOM and header in the first piece; null once all was
 * returned. The pieces, joined, are exportCasesCsv's bytes.
 */
export class CsvPages implements CsvPager {
  readonly #source: CaseHistorySource;
  readonly #q: CaseHistoryQuery;
  #after: ExportCursor | null = null;
  #started = false;
  #done = false;
  /** The names the export writes (read at its first page). */
  names: KnownNames = NO_NAMES;
  /** A source without pages: its rows, loaded at the first page. */
  #loaded: ExportRow[] | null = null;
  /** Rows returned so far. */
  rows = 0;
  /** What the export includes, once its first page was read (from a source that pages). */
  upTo: ExportBound | null = null;

  constructor(source: CaseHistorySource, q: CaseHistoryQuery) {
    this.#source = source;
    this.#q = q;
  }

  /** One page at a time: the next call waits for this one's answer (it starts after its rows). */
  async next(limit: number): Promise<Buffer | null> {
    if (this.#done) return null;
    const first = !this.#started;
    this.#started = true;
    if (first) this.names = await namesOf(this.#source, this.#q.teamId);
    let rows: readonly ExportRow[];
    if (this.#source.exportPage) {
      const page = await this.#source.exportPage(this.#q, this.#after, Math.max(1, limit));
      const [was, next] = [this.#after, page.next];
      // A page that does not move on would be written again and again, for ever.
      if (
        was &&
        next &&
        next.at === was.at &&
        next.caseId === was.caseId &&
        next.eventId === was.eventId
      )
        throw new Error('export page did not move on');
      rows = page.rows;
      this.upTo ??= page.upTo ?? null;
      this.#after = page.next;
      this.#done = page.next === null;
    } else {
      this.#loaded ??= [...rowsOf(await this.#source.load(this.#q))];
      rows = this.#loaded.splice(0, Math.max(1, limit));
      this.#done = this.#loaded.length === 0;
    }
    this.rows += rows.length;
    return Buffer.from(csvText(rows, first, this.names), 'utf8');
  }
}

/**
 * The case sheet being written, a page of cases at a time (each case whole: its steps and events),
 * as CsvPages writes the timeline. Given the timeline's `upTo` and names, it stops where the
 * timeline does and names people as it did: the two files describe the same moment.
 */
export class CaseSheetPages implements CsvPager {
  readonly #source: CaseHistorySource;
  readonly #q: CaseHistoryQuery;
  #after: CaseCursor | null;
  #started = false;
  #done = false;
  #names: KnownNames | null;
  #loaded: CaseHistory[] | null = null;
  rows = 0;

  constructor(
    source: CaseHistorySource,
    q: CaseHistoryQuery,
    upTo: ExportBound | null = null,
    names: KnownNames | null = null,
  ) {
    this.#source = source;
    this.#q = q;
    this.#after = upTo ? { at: Number.MIN_SAFE_INTEGER, caseId: 0, upTo } : null;
    this.#names = names;
  }

  async next(limit: number): Promise<Buffer | null> {
    if (this.#done) return null;
    const first = !this.#started;
    this.#started = true;
    this.#names ??= await namesOf(this.#source, this.#q.teamId);
    let cases: readonly CaseHistory[];
    if (this.#source.casePage) {
      const page = await this.#source.casePage(this.#q, this.#after, Math.max(1, limit));
      const [was, next] = [this.#after, page.next];
      if (was && next && next.at === was.at && next.caseId === was.caseId)
        throw new Error('export page did not move on');
      cases = page.cases;
      this.#after = page.next;
      this.#done = page.next === null;
    } else {
      this.#loaded ??= await this.#source.load(this.#q);
      cases = this.#loaded.splice(0, Math.max(1, limit));
      this.#done = this.#loaded.length === 0;
    }
    this.rows += cases.length;
    return Buffer.from(caseCsvText(cases, first, this.#names), 'utf8');
  }
}

export interface PagedExportOptions {
  /** Roughly how long one page may take (reading and writing): the pages grow or shrink to it. */
  readonly pageMs?: number;
  /** Rows in the first page; every page has between 50 and 5,000. */
  readonly firstPage?: number;
  /** Lets the event loop through between two pages (default: setImmediate). */
  readonly pause?: () => Promise<void>;
  readonly now?: () => number;
}

/** A CSV file as the pieces it was written in, `length` bytes in all. */
export interface CsvFile {
  readonly pieces: readonly Buffer[];
  readonly length: number;
}

/**
 * A pager's whole file, a page at a time with the event loop let through between pages, so a large
 * export never makes the gate turn commands away. Each page is sized to take about `pageMs` on any
 * machine; the file stays in its pieces (one per page), so its bytes are held once.
 */
async function piecesOf(pages: CsvPager, o: PagedExportOptions): Promise<CsvFile> {
  const pageMs = o.pageMs ?? 2;
  const now = o.now ?? (() => performance.now());
  const pause = o.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
  const pieces: Buffer[] = [];
  let length = 0;
  let limit = o.firstPage ?? 200;
  for (;;) {
    const t0 = now();
    const piece = await pages.next(limit);
    if (!piece) break;
    pieces.push(piece);
    length += piece.length;
    // On PostgreSQL `took` includes the query's round trip, which does not hold the loop: the
    // pages come out smaller than they could be, never longer.
    const took = now() - t0;
    // Toward the page that takes pageMs, at most doubling at a time (one quick page after a pause
    // of the machine must not make the next one long).
    const fit = took > 0 ? Math.round((limit * pageMs) / took) : limit * 2;
    limit = Math.max(50, Math.min(5000, limit * 2, fit));
    await pause();
  }
  return { pieces, length };
}

/** exportCasesCsv's bytes (the timeline), written a page at a time (see piecesOf). */
export function exportCsvPieces(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  o: PagedExportOptions = {},
): Promise<CsvFile> {
  return piecesOf(new CsvPages(source, q), o);
}

/** The export's two files: the case sheet (one row per case) and the timeline (one per event). */
export interface ExportFiles {
  readonly cases: CsvFile;
  readonly timeline: CsvFile;
}

/**
 * Both files, a page at a time (see piecesOf): the timeline first, then the case sheet cut where
 * the timeline was (the same cases and events).
 */
export async function exportFiles(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  o: PagedExportOptions = {},
): Promise<ExportFiles> {
  const pages = new CsvPages(source, q);
  const timeline = await piecesOf(pages, o);
  // Cases a case page reads are ten rows of the timeline or so: pages of cases start smaller.
  const cases = await piecesOf(new CaseSheetPages(source, q, pages.upTo, pages.names), {
    ...o,
    firstPage: Math.max(1, Math.round((o.firstPage ?? 200) / 10)),
  });
  return { cases, timeline };
}

/** exportCsvPieces's file as one Buffer: exportCasesCsv's bytes. */
export async function exportCasesCsvPaged(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  o: PagedExportOptions = {},
): Promise<Buffer> {
  const file = await exportCsvPieces(source, q, o);
  return Buffer.concat(file.pieces, file.length);
}
