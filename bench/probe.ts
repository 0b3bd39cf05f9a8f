/**
 * `node dist/bench/probe.js [cases] [seconds] [rate]`: the same-offered-load rows of the request
 * path alone (bare, then Amends, per load kind), with each server's event-loop delay and CPU per
 * request. A quick loop for working on ack latency (and, with a rate past capacity and CONNS=1000,
 * on overload); `npm run bench` is the full, reported run. PG=1 adds Amends on PostgreSQL (a copy
 * of the same seeded cases in a database of its own on AMENDS_BENCH_DATABASE_URL or 127.0.0.1:5432,
 * dropped after), with the CPU of the database's backends per request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySqliteToPostgres } from '../src/store/copy.js';
import { clickBodies, commandBodies, runFixedRate } from './lib/load.js';
import {
  type BenchDatabase,
  createDatabase,
  dropLeftDatabases,
  findBenchPostgres,
  watchBackends,
} from './lib/pg.js';
import { forkChild, freePort, killChildren, startFakeApi, waitHealthy } from './lib/procs.js';
import { seedDatabase } from './lib/seed.js';
import type { FromServer, ServerArgs } from './server.js';

const [cases = 20_000, seconds = 10, rate = 100] = process.argv.slice(2).map(Number);
// Env: ONLY=amends|bare|pg, LOADS=command,click, CONNS (keep-alive sockets at most; 50), PG=1 (also
// Amends on PostgreSQL), PROFILE=<dir> (a V8 CPU profile of each server, written when it stops).
type Kind = 'bare' | 'amends' | 'pg';
const kinds = (
  process.env.ONLY
    ? [process.env.ONLY]
    : ['bare', 'amends', ...(process.env.PG === '1' ? ['pg'] : [])]
) as Kind[];
const loads = (process.env.LOADS?.split(',') ?? ['command', 'click']) as ('command' | 'click')[];
const conns = Number(process.env.CONNS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'amends-probe-'));
try {
  const { fake, api } = await startFakeApi({ latencyMs: 50, forgetEveryMs: 1000 });
  const dbPath = join(dir, 'amends.db');
  const targets = await seedDatabase(dbPath, cases, Math.min(cases, 5000));
  let pg: { server: string; db: BenchDatabase } | null = null;
  if (kinds.includes('pg')) {
    const found = await findBenchPostgres();
    if ('missing' in found) throw new Error(`no PostgreSQL: ${found.missing}`);
    const db = await createDatabase(found.url, 'probe');
    pg = { server: found.url, db };
    await copySqliteToPostgres(dbPath, db.url);
  }
  fake.send({ type: 'parents', items: targets.map((t) => ({ channel: t.channel, ts: t.ts })) });
  await fake.next('parents');
  const responseUrl = `${api.responseUrlBase}bench`;
  for (const kind of kinds) {
    const port = await freePort();
    const args: ServerArgs =
      kind === 'bare'
        ? { kind, port }
        : {
            kind: 'amends',
            port,
            dbPath,
            slackApiUrl: api.url,
            ...(kind === 'pg' && pg ? { databaseUrl: pg.db.url } : {}),
          };
    const execArgv = process.env.PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.PROFILE, kind)}`]
      : [];
    const child = forkChild<FromServer>(new URL('./server.js', import.meta.url), args, execArgv);
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, performance.now());
    await child.next('ready');
    await new Promise((r) => setTimeout(r, 1000));
    child.send({ type: 'stats' });
    const idle = await child.next('stats');
    console.log(`${kind} at rest: rss ${(idle.rss / 2 ** 20).toFixed(0)} MB`);
    const url = `http://127.0.0.1:${port}/slack/events`;
    for (const load of loads) {
      const bodies =
        load === 'command' ? commandBodies(responseUrl, kind) : clickBodies(targets, responseUrl);
      await runFixedRate(url, rate, 50, 2, bodies); // warm-up
      await new Promise((r) => setTimeout(r, 1500));
      child.send({ type: 'stats' });
      const s0 = await child.next('stats');
      const backends = kind === 'pg' && pg ? await watchBackends(pg.server, pg.db.name) : null;
      const f = await runFixedRate(url, rate, conns, seconds, bodies);
      child.send({ type: 'stats' });
      const s = await child.next('stats');
      const dbCpu = backends ? await backends.stop() : null;
      const n = Math.max(1, f.requests + f.refusedBusy + f.refused503);
      const d = s.loopDelay;
      console.log(
        `${kind.padEnd(6)} ${load.padEnd(7)} ${rate}/s: p50 ${f.p50.toFixed(2)} p99 ${f.p99.toFixed(2)} max ${f.max.toFixed(1)} ms | CPU/request ${((s.cpuMs - s0.cpuMs) / n).toFixed(2)} ms${dbCpu === null ? '' : ` + db ${(dbCpu / n).toFixed(2)} ms`} | loop delay p50 ${d.p50.toFixed(2)} p99 ${d.p99.toFixed(2)} max ${d.max.toFixed(1)} ms | gc ${s.gc.count}x ${s.gc.totalMs.toFixed(0)} ms max ${s.gc.maxMs.toFixed(1)} >10ms ${s.gc.over10} | errors ${f.errors} | slowest ${f.maxAnswer.toFixed(0)} ms, ${f.over3s} after 3 s, refused ${f.refusedBusy + f.refused503}`,
      );
      await new Promise((r) => setTimeout(r, 1500));
    }
    await child.stop();
  }
  await fake.stop();
} finally {
  killChildren();
  await dropLeftDatabases();
  rmSync(dir, { recursive: true, force: true });
}
