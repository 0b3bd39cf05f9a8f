/**
 * `npm run build && node dist/bench/replicas.js [--quick] [reminders] [replicas,...] [failover
 * reminders] [failover channels]`: only the PostgreSQL replica rows of `npm run bench` (reminder
 * delivery by 1, 2 and 4 bot processes, and the failover), printed as the bench prints them; sizes
 * default to the bench's (`--quick`: its quick ones). Replicas `0` skips the delivery rows, failover
 * reminders `0` the failover. Needs a PostgreSQL server: AMENDS_BENCH_DATABASE_URL, or the one at
 * 127.0.0.1:5432.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './lib/common.js';
import { dropLeftDatabases, findBenchPostgres } from './lib/pg.js';
import { killReplicas, replicaBench, replicaSizes } from './replicaBench.js';
import { printReplicas } from './replicaReport.js';

const quick = process.argv.includes('--quick');
const [reminders, replicas, fReminders, fChannels] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'));
const base = replicaSizes(quick);
const P = {
  ...base,
  ...(reminders ? { reminders: Number(reminders) } : {}),
  ...(replicas
    ? {
        replicas: replicas
          .split(',')
          .map(Number)
          .filter((n) => n > 0),
      }
    : {}),
  failover: {
    ...base.failover,
    ...(fReminders ? { reminders: Number(fReminders) } : {}),
    ...(fChannels ? { channels: Number(fChannels) } : {}),
  },
};
const m = machine();
console.log(
  `Amends replica rows${quick ? ' (quick)' : ''}: ${m.date} | ${m.cpu}, ${m.cores} cores`,
);
const pgFound = await findBenchPostgres();
if ('missing' in pgFound) {
  console.log(`PostgreSQL rows skipped: ${pgFound.missing}`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'amends-replicas-'));
try {
  const fig = await replicaBench({
    ...P,
    server: pgFound.url,
    dir,
    progress: (s) => console.log(`  · ${s}`),
  });
  printReplicas(fig, P, []);
} catch (e) {
  console.error(`replica rows failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  killReplicas();
  await dropLeftDatabases();
  rmSync(dir, { recursive: true, force: true });
}
