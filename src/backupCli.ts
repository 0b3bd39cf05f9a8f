/**
 * `npm run backup -- --out ./backups/amends-2026-12-07.db`: a consistent copy of the SQLite database
 * at DATABASE_PATH (./data/amends.db by default), taken while Amends runs. Never overwrites a file.
 * PostgreSQL (DATABASE_URL) is backed up with its own tools, pg_dump (docs/operations.md: Backups).
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { backupSqlite } from './store/backup.js';

export function runBackup(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const { values } = parseArgs({
    args: [...argv],
    options: { out: { type: 'string' } },
    strict: true,
  });
  if (env.DATABASE_URL?.trim())
    throw new Error(
      'DATABASE_URL is set: back PostgreSQL up with pg_dump -Fc (docs/operations.md: Backups), not this command',
    );
  if (!values.out) throw new Error('Give the file to write: --out ./backups/amends.db');
  const from = env.DATABASE_PATH?.trim() || './data/amends.db';
  const r = backupSqlite(from, values.out);
  return `Backed up ${r.from} to ${r.to}: schema version ${r.schemaVersion}, ${r.cases} cases, ${r.pendingReminders} reminders pending, ${r.bytes} bytes in ${(r.ms / 1000).toFixed(2)} s`;
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  try {
    console.log(runBackup(process.argv.slice(2), process.env));
  } catch (e) {
    console.error(`amends backup: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
