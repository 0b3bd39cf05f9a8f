import { createRequire } from 'node:module';
import type * as CsvStringify from 'csv-stringify/sync';
import type { CaseHistory } from '../domain/outcomes.js';

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
}

/**
 * Where case histories come from (store/reportRepo.ts implements it). A port: it belongs in
 * services/ports.ts beside the others, and lives here until that file can take it.
 */
export interface CaseHistorySource {
  /** Cases opened in the window, oldest first, each with its events in log order. */
  load(q: CaseHistoryQuery): CaseHistory[];
  /** Grows with every event written (any team): a report drawn at the same mark is the same. */
  mark?(): number;
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

/**
 * The CSV text, BOM first, CRLF line ends (RFC 4180), a header row, then one row per event in
 * the order given; a case without events gets one row with empty event columns. Cells with a
 * comma, a quote or a line break are quoted; every cell is neutralised against formula injection.
 */
export function casesToCsv(cases: readonly CaseHistory[]): string {
  const rows: string[][] = [];
  for (const c of cases) {
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
    if (c.events.length === 0) rows.push([...head, '', '', '', '', '']);
    for (const e of c.events) {
      rows.push([...head, iso(e.at), e.type, e.stepKey ?? '', e.actor, details(e.data)]);
    }
  }
  // Loaded by the first export, not at every start-up (it is most of ten milliseconds).
  const { stringify } = createRequire(import.meta.url)('csv-stringify/sync') as typeof CsvStringify;
  return stringify(
    rows.map((r) => r.map(neutralizeCell)),
    {
      bom: true,
      header: true,
      columns: [...CSV_COLUMNS],
      record_delimiter: 'windows',
      // csv-stringify quotes only the record delimiter (CRLF here): a lone LF or CR in a note
      // must be quoted too, or a spreadsheet starts a new row at it.
      quoted_match: /[\r\n]/,
    },
  );
}

/** The export of a team's cases (optionally one channel, one window) as UTF-8 bytes with a BOM. */
export function exportCasesCsv(source: CaseHistorySource, q: CaseHistoryQuery): Buffer {
  return Buffer.from(casesToCsv(source.load(q)), 'utf8');
}
