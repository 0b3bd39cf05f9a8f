/**
 * `node dist/bench/startup.js [cases] [rounds]`: start-up to a ready /healthz alone, bare and Amends
 * alternating on one seeded database (the last row of `npm run bench`, for working on it). With
 * PROFILE=<dir>, each start writes a V8 CPU profile to <dir>/bare or <dir>/amends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/common.js';
import { forkChild, freePort, killChildren, startFakeApi, waitHealthy } from './lib/procs.js';
import { seedDatabase } from './lib/seed.js';
import type { FromServer, ServerArgs } from './server.js';

const [cases = 100_000, rounds = 7] = process.argv.slice(2).map(Number);
const profile = process.env.PROFILE;
const dir = mkdtempSync(join(tmpdir(), 'amends-startup-'));
try {
  const { fake, api } = await startFakeApi({ latencyMs: 50, forgetEveryMs: 1000 });
  const dbPath = join(dir, 'amends.db');
  await seedDatabase(dbPath, cases);
  const times: Record<'bare' | 'amends', number[]> = { bare: [], amends: [] };
  for (let i = 0; i < rounds; i++)
    for (const kind of ['bare', 'amends'] as const) {
      const port = await freePort();
      const args: ServerArgs =
        kind === 'bare' ? { kind, port } : { kind, port, dbPath, slackApiUrl: api.url };
      const execArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, kind)}`] : [];
      const t0 = performance.now();
      const child = forkChild<FromServer>(new URL('./server.js', import.meta.url), args, execArgv);
      times[kind].push(await waitHealthy(`http://127.0.0.1:${port}/healthz`, t0));
      await child.next('ready');
      await child.stop();
    }
  const b = median(times.bare);
  const a = median(times.amends);
  for (const k of ['bare', 'amends'] as const)
    console.log(`${k.padEnd(6)} ${times[k].map((t) => t.toFixed(0)).join(', ')} ms`);
  console.log(`median: bare ${b.toFixed(0)} ms, Amends ${a.toFixed(0)} ms, ${(a / b).toFixed(2)}x`);
  await fake.stop();
} finally {
  killChildren();
  rmSync(dir, { recursive: true, force: true });
}
