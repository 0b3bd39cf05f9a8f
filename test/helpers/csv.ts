import { expect } from 'vitest';
import { BOM, TIMELINE_COLUMNS } from '../../src/services/export.js';

/**
 * RFC 4180 reader for the tests (csv-parse is not installed): quoted fields with "" escapes and
 * line breaks inside; records end at CRLF (or a lone LF/CR outside quotes).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * An export's rows as objects keyed by column, after checking its BOM and its header (the
 * timeline's columns unless others are given: CASE_COLUMNS for the case sheet).
 */
export function csvRecords(
  csv: string,
  columns: readonly string[] = TIMELINE_COLUMNS,
): Record<string, string>[] {
  expect(csv.startsWith(BOM)).toBe(true);
  const [header, ...rows] = parseCsv(csv.slice(BOM.length));
  expect(header).toEqual([...columns]);
  return rows.map((r) => {
    expect(r).toHaveLength(columns.length);
    return Object.fromEntries(columns.map((c, i) => [c, r[i] as string]));
  });
}
