/** A target of the bench: what was measured against its limit (reported, never asserted). */
export interface Target {
  readonly what: string;
  readonly measured: string;
  readonly limit: string;
  readonly pass: boolean;
}

/** Rows as an aligned text table: the first row is the header, the first column left-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r, ri) => {
      const line = r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('   ');
      return ri === 0 ? `  ${line}\n  ${'-'.repeat(line.length)}` : `  ${line}`;
    })
    .join('\n');
}

export const ms = (v: number, d = 2): string =>
  Number.isFinite(v) ? `${v.toFixed(d)} ms` : v === Number.POSITIVE_INFINITY ? 'never' : 'n/a';
export const n0 = (v: number): string =>
  Number.isFinite(v) ? Math.round(v).toLocaleString('en') : 'n/a';
