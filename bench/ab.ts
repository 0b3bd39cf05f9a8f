/**
 * `npm run bench:ab -- <treeA> <treeB> [rounds]`: CPU per request of two builds of Amends, side by
 * side in one run (rounds alternate A, B, A, B...). Each tree is a checkout with `dist/` built
 * (`npm run build`), for instance the current one and `git worktree add /tmp/base <commit>`. Each
 * gets its own database seeded by its own seeder (CASES open cases, default 10^4) and runs as
 * bench/server.ts runs it (`startBot`); one fake Web API (50 ms) serves both. A round is a 3 s
 * warm-up and 8 s of closed-loop load (10 connections): `/incident` commands, or with CLICK=1 the
 * own-up "Done" click on a different case each time. It prints the requests answered and the CPU
 * per request (the server's CPU over the round and 1.5 s after it, divided by the requests).
 * PROFILE=<dir> also writes each server's V8 CPU profile to <dir>/a and <dir>/b.
 * Only the dist/ layout and the server's IPC are shared between the trees: each one's database is
 * opened and seeded by its own code, so a tree from before the store became async (7ab721a, whose
 * seeder is synchronous) runs beside this one (SQLite; `git archive <commit> | tar -x -C <dir>`, a
 * node_modules link, and its own build work as well as a worktree).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FromFake } from './fakeApi.js';
import { type BodySource, clickBodies, commandBodies, runLoad } from './lib/load.js';
import { forkChild, freePort, killChildren, waitHealthy } from './lib/procs.js';
import type { ClickTarget } from './lib/seed.js';
import type { FromServer } from './server.js';

const [a, b] = process.argv.slice(2, 4).map((t) => resolve(t));
if (!a || !b || a === b) {
  console.error(
    'usage: npm run bench:ab -- <treeA> <treeB> [rounds]   (two trees; env CASES, CLICK=1)',
  );
  process.exit(2);
}
const trees = [a, b];
const rounds = Number(process.argv[4] ?? 2);
const cases = Number(process.env.CASES ?? 10_000);
const click = process.env.CLICK === '1';
const profileDir = process.env.PROFILE ? resolve(process.env.PROFILE) : null;
const here = new URL('./', import.meta.url);
const inTree = (tree: string, path: string) => pathToFileURL(join(tree, 'dist', path)).href;

const fake = forkChild<FromFake>(new URL('fakeApi.js', here), {
  latencyMs: 50,
  forgetEveryMs: 2000,
});
const { url: api, responseUrlBase } = await fake.next('ready');

const dirs: string[] = [];
const seeded = new Map<string, { dbPath: string; targets: ClickTarget[] }>();
for (const tree of trees) {
  const { openDatabase } = await import(inTree(tree, 'src/store/db.js'));
  const seed = await import(inTree(tree, 'bench/lib/seed.js'));
  const dir = mkdtempSync(join(tmpdir(), 'amends-ab-'));
  dirs.push(dir);
  const dbPath = join(dir, 'amends.db');
  const db = openDatabase(dbPath);
  const now = new Date();
  // Awaited: this tree's seeder may be one from before the store was async (then nothing to wait).
  await seed.seedProfiles(db, now);
  await seed.seedOpenCases(db, cases, { seed: 7, channels: 50, now });
  const targets = seed.clickTargets(db, 40_000) as ClickTarget[];
  db.close();
  // Each round takes 4,000 fresh clicks for its warm-up and 4,000 for its load.
  if (click && targets.length < rounds * 8000) {
    console.error(`CLICK=1 needs ${rounds * 8000} open own-up steps: seed more (CASES=100000)`);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    killChildren();
    process.exit(2);
  }
  seeded.set(tree, { dbPath, targets });
}

const results = new Map<string, { requests: number; cpuMs: number }[]>(trees.map((t) => [t, []]));
let tag = 0;
const letters = 'abcdefghijklmnop';
for (let r = 0; r < rounds; r++)
  for (const tree of trees) {
    const s = seeded.get(tree) as { dbPath: string; targets: ClickTarget[] };
    const port = await freePort();
    const child = forkChild<FromServer>(
      new URL(inTree(tree, 'bench/server.js')),
      { kind: 'amends', port, dbPath: s.dbPath, slackApiUrl: api },
      profileDir
        ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, letters[trees.indexOf(tree)] ?? 'x')}`]
        : [],
    );
    await waitHealthy(`http://127.0.0.1:${port}/healthz`, performance.now());
    await child.next('ready');
    const url = `http://127.0.0.1:${port}/slack/events`;
    const bodies = (): BodySource => {
      if (click) return clickBodies(s.targets.splice(0, 4000), `${responseUrlBase}c`);
      tag++;
      return commandBodies(
        `${responseUrlBase}x`,
        `${letters[tag % 16]}${letters[(tag >> 4) % 16]}`,
      );
    };
    if (click) {
      const items = s.targets.slice(0, 8000).map((x) => ({ channel: x.channel, ts: x.ts }));
      fake.send({ type: 'parents', items });
      await fake.next('parents');
    }
    await runLoad(url, 10, 3, bodies());
    child.send({ type: 'stats' });
    const before = await child.next('stats');
    const load = await runLoad(url, 10, 8, bodies());
    await new Promise((done) => setTimeout(done, 1500));
    child.send({ type: 'stats' });
    const after = await child.next('stats');
    results.get(tree)?.push({
      requests: load.requests,
      cpuMs: (after.cpuMs - before.cpuMs) / Math.max(1, load.requests),
    });
    await child.stop();
  }

console.log(
  `${click ? 'own-up Done clicks' : '/incident'}, ${cases} seeded cases, ${rounds} rounds`,
);
for (const [tree, rows] of results)
  console.log(
    `${tree}: ${rows.map((x) => `${x.requests} requests, ${x.cpuMs.toFixed(2)} ms CPU each`).join(' | ')}`,
  );
await fake.stop();
for (const d of dirs) rmSync(d, { recursive: true, force: true });
killChildren();
process.exit(0);
