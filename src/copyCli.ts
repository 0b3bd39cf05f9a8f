/**
 * `npm run db:copy -- --from ./data/amends.db --to postgres://…`: moves a SQLite-backed Amends onto
 * PostgreSQL. The target must be empty; the counts per table are printed when the copy committed.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { copySqliteToPostgres } from './store/copy.js';

export async function runCopy(argv: readonly string[]): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: { from: { type: 'string' }, to: { type: 'string' } },
    strict: true,
  });
  if (!values.from) throw new Error('Give the SQLite database: --from ./data/amends.db');
  if (!values.to) throw new Error('Give the PostgreSQL database: --to postgres://user@host/db');
  const report = await copySqliteToPostgres(values.from, values.to);
  const width = Math.max(...report.map((r) => r.table.length));
  const total = report.reduce((n, r) => n + r.rows, 0);
  return [
    `Copied ${values.from} into ${redact(values.to)}: ${total} rows`,
    ...report.map((r) => `  ${r.table.padEnd(width)}  ${r.rows}`),
  ].join('\n');
}

/** The URL as printed: without its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the target';
  }
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  runCopy(process.argv.slice(2)).then(
    (out) => console.log(out),
    (e: unknown) => {
      console.error(`amends db:copy: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
