import { createRequire } from 'node:module';
import type * as CsvStringify from 'csv-stringify/sync';
import type { CaseHistory, HistoryEvent } from '../domain/outcomes.js';

/*
 * The CSV export of a workspace's cases and their timelines: one row per event, the case's own
 * columns repeated on each. Independent of Slack: a listener, a command-line tool or a test can
 * call it with any CaseHistorySource.
 */

/** Which cases to load: a team, optionally one channel, opened in [since, until). */
export interface CaseHistoryQuery {
  readonly teamId: string;
  readonly channelId?: string | null;
  readonly since?: Date | null;
  readonly until?: Date | null;
  /**
   * Also the cases closed in [since, until) whenever they were opened, and those open now (opened
   * before `until`): what the outcome figures count (load only; the export reads by opening).
   */
  readonly decidedOrOpen?: boolean;
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
  readonly upTo: { readonly caseId: number; readonly eventId: number };
}

/** Up to `limit` rows, in the file's order; `next` is null after the last page. */
export interface ExportPage {
  readonly rows: readonly ExportRow[];
  readonly next: ExportCursor | null;
}

export const CSV_COLUMNS = [
  'case_id',
  'client',
  'channel',
  'severity',
  'owner',
  'status',
  'opened_at',
  'closed_at',
  'event_at',
  'event_type',
  'step',
  'actor',
  'details',
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

const iso = (d: Date | null): string => (d ? d.toISOString() : '');

/** Event data as one cell: JSON (keys as stored, text unescaped), empty when there is none. */
function details(data: Readonly<Record<string, unknown>> | null): string {
  return data && Object.keys(data).length > 0 ? JSON.stringify(data) : '';
}

/** A row's cells, as written (each neutralised against formula injection). */
function cells(c: ExportCase, e: ExportRow['event']): string[] {
  const head = [
    String(c.id),
    c.client,
    c.channelId,
    c.severity,
    c.ownerId,
    c.status,
    iso(c.createdAt),
    iso(c.closedAt),
  ];
  const tail = e
    ? [iso(e.at), e.type, e.stepKey ?? '', e.actor, details(e.data)]
    : ['', '', '', '', ''];
  return [...head, ...tail].map(neutralizeCell);
}

/** The rows of these cases, in the file's order (a case without events is one row). */
function* rowsOf(cases: readonly CaseHistory[]): Generator<ExportRow> {
  for (const c of cases) {
    if (c.events.length === 0) yield { case: c, event: null };
    for (const e of c.events) yield { case: c, event: e };
  }
}

/**
 * Rows as CSV text: with `first`, the BOM and the header row before them. Pieces written for the
 * pages of one export, one after the other, are the text written for all its rows at once.
 */
function csvText(rows: Iterable<ExportRow>, first: boolean): string {
  const records: string[][] = [];
  for (const r of rows) records.push(cells(r.case, r.event));
  // Loaded by the first export, not at every start-up (it is most of ten milliseconds).
  const { stringify } = createRequire(import.meta.url)('csv-stringify/sync') as typeof CsvStringify;
  return stringify(records, {
    bom: first,
    header: first,
    columns: [...CSV_COLUMNS],
    record_delimiter: 'windows',
    // csv-stringify quotes only the record delimiter (CRLF here): a lone LF or CR in a note
    // must be quoted too, or a spreadsheet starts a new row at it.
    quoted_match: /[\r\n]/,
  });
}

/**
 * The CSV text, BOM first, CRLF line ends (RFC 4180), a header row, then one row per event in
 * the order given; a case without events gets one row with empty event columns. Cells with a
 * comma, a quote or a line break are quoted; every cell is neutralised against formula injection.
 */
export function casesToCsv(cases: readonly CaseHistory[]): string {
  return csvText(rowsOf(cases), true);
}

/** The export of a team's cases (optionally one channel, one window) as UTF-8 bytes with a BOM. */
export async function exportCasesCsv(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
): Promise<Buffer> {
  return Buffer.from(casesToCsv(await source.load(q)), 'utf8');
}

/**
 * An export being written, a page at a time: each `next(limit)` reads at most `limit` rows (one
 * query) and returns them as UTF-8 CSV, BOM and header in the first piece; null once all was
 * returned. The pieces, joined, are exportCasesCsv's bytes.
 */
export class CsvPages {
  readonly #source: CaseHistorySource;
  readonly #q: CaseHistoryQuery;
  #after: ExportCursor | null = null;
  #started = false;
  #done = false;
  /** A source without pages: its rows, loaded at the first page. */
  #loaded: ExportRow[] | null = null;
  /** Rows returned so far. */
  rows = 0;

  constructor(source: CaseHistorySource, q: CaseHistoryQuery) {
    this.#source = source;
    this.#q = q;
  }

  /** One page at a time: the next call waits for this one's answer (it starts after its rows). */
  async next(limit: number): Promise<Buffer | null> {
    if (this.#done) return null;
    const first = !this.#started;
    this.#started = true;
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
      this.#after = page.next;
      this.#done = page.next === null;
    } else {
      this.#loaded ??= [...rowsOf(await this.#source.load(this.#q))];
      rows = this.#loaded.splice(0, Math.max(1, limit));
      this.#done = this.#loaded.length === 0;
    }
    this.rows += rows.length;
    return Buffer.from(csvText(rows, first), 'utf8');
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
 * exportCasesCsv's bytes, written a page at a time with the event loop let through between pages:
 * with 10^5 events the whole export takes seconds of CPU, and done at once it held the loop for
 * all of them (the gate turned every command sent meanwhile away as busy). Each page is sized to
 * take about `pageMs`, whatever the machine, so a request waits at most about that long behind it.
 * The file stays in its pieces (one per page): memory is the file's bytes once, plus one page of rows.
 */
export async function exportCsvPieces(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  o: PagedExportOptions = {},
): Promise<CsvFile> {
  const pageMs = o.pageMs ?? 2;
  const now = o.now ?? (() => performance.now());
  const pause = o.pause ?? (() => new Promise<void>((r) => setImmediate(r)));
  const pages = new CsvPages(source, q);
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

/** exportCsvPieces's file as one Buffer: exportCasesCsv's bytes. */
export async function exportCasesCsvPaged(
  source: CaseHistorySource,
  q: CaseHistoryQuery,
  o: PagedExportOptions = {},
): Promise<Buffer> {
  const file = await exportCsvPieces(source, q, o);
  return Buffer.concat(file.pieces, file.length);
}
